import { Buffer } from 'node:buffer';
import {
  type CompareNode,
  MAX_PATTERN_TERMS,
  type Operand,
  type RuleErrorCode,
  type RuleNode,
  type ValueType,
} from '../../../src/features/rules/index.js';
import type { RequestValues, Schema } from './rule-arbitraries.js';

/**
 * A reference model of what a rule means, for the property tests only. It is written from the
 * contract (README "Rules"; the header of src/features/rules/semantics.ts) and shares no code
 * with the compiler, so the property "the compiled SQL, run on the database, selects exactly the
 * records this model selects" compares production against a second, plain reading of the
 * contract — not against itself. It covers what the generators produce: one-segment fields,
 * `@request.auth.id`, `@request.body.<field>[:isset]`, `@now` and literals.
 *
 * The contract, as modelled here:
 * - three families (text, number, bool); both sides in one family, else RULE_TYPE_MISMATCH;
 *   `~`/`!~` on text only, with a value (not a field) on the right; `<`… not on bools;
 * - `null` and absent body values are the zero value of the other side's type (`''`, 0, false);
 * - text orders bytewise on UTF-8; `~` is "contains", ignoring ASCII case, with no wildcards;
 * - more than MAX_PATTERN_TERMS `~`/`!~` comparisons is RULE_TOO_MANY_TERMS, before anything else;
 * - every comparison is checked before any is decided: the first bad one, left to right, wins.
 */

export type Outcome = { ids: string[] } | { error: RuleErrorCode };

type Family = 'text' | 'number' | 'bool';
type Value = string | number;
/** A typed operand: a row's field, or a value fixed for the whole request. */
type Side = { kind: 'field'; name: string; family: Family } | { kind: 'value'; value: Value | null; family?: Family };
type Checked = { node: CompareNode; left: Side; right: Side; family: Family };

class RuleRefused extends Error {
  constructor(readonly code: RuleErrorCode) {
    super(code);
  }
}

const familyOf = (type: ValueType): Family => (type === 'number' ? 'number' : type === 'bool' ? 'bool' : 'text');
const zeroOf = (family: Family): Value => (family === 'text' ? '' : 0);

export function referenceOutcome(
  rule: RuleNode,
  schema: Schema,
  rows: ReadonlyArray<Record<string, Value>>,
  request: RequestValues,
  now: Date,
): Outcome {
  let checked: Map<CompareNode, Checked>;
  const compares = comparesInOrder(rule);
  if (compares.filter((node) => node.op === '~' || node.op === '!~').length > MAX_PATTERN_TERMS) {
    return { error: 'RULE_TOO_MANY_TERMS' };
  }
  try {
    checked = new Map(compares.map((node) => [node, check(node, schema, request, now)]));
  } catch (error) {
    if (error instanceof RuleRefused) return { error: error.code };
    throw error;
  }
  const matches = (node: RuleNode, row: Record<string, Value>): boolean => {
    if (node.kind === 'compare') return decide(checked.get(node) as Checked, row);
    return node.kind === 'and'
      ? matches(node.left, row) && matches(node.right, row)
      : matches(node.left, row) || matches(node.right, row);
  };
  return { ids: rows.filter((row) => matches(rule, row)).map((row) => String(row.id)) };
}

function comparesInOrder(node: RuleNode): CompareNode[] {
  return node.kind === 'compare' ? [node] : [...comparesInOrder(node.left), ...comparesInOrder(node.right)];
}

function check(node: CompareNode, schema: Schema, request: RequestValues, now: Date): Checked {
  const left = typeOf(node.left, schema, request, now);
  const right = typeOf(node.right, schema, request, now);
  if (left.family && right.family && left.family !== right.family) throw new RuleRefused('RULE_TYPE_MISMATCH');
  const family = left.family ?? right.family ?? 'text';
  const isPattern = node.op === '~' || node.op === '!~';
  const isOrdering = !isPattern && node.op !== '=' && node.op !== '!=';
  if ((isPattern && family !== 'text') || (isOrdering && family === 'bool')) {
    throw new RuleRefused('RULE_TYPE_MISMATCH');
  }
  if (isPattern && right.kind === 'field') throw new RuleRefused('RULE_TYPE_MISMATCH');
  return { node, left, right, family };
}

function typeOf(operand: Operand, schema: Schema, request: RequestValues, now: Date): Side {
  switch (operand.kind) {
    case 'field': {
      const [name = ''] = operand.path;
      if (name === 'id') return { kind: 'field', name, family: 'text' };
      const type = Object.hasOwn(schema, name) ? schema[name] : undefined;
      if (operand.path.length !== 1 || !type) throw new RuleRefused('RULE_UNKNOWN_FIELD');
      return { kind: 'field', name, family: familyOf(type) };
    }
    case 'request':
      return requestValue(operand.path, schema, request);
    case 'now':
      return { kind: 'value', value: now.toISOString(), family: 'text' };
    case 'literal': {
      const { value } = operand;
      if (value === null) return { kind: 'value', value: null };
      if (typeof value === 'boolean') return { kind: 'value', value: value ? 1 : 0, family: 'bool' };
      return { kind: 'value', value, family: typeof value === 'number' ? 'number' : 'text' };
    }
  }
}

function requestValue(path: readonly string[], schema: Schema, request: RequestValues): Side {
  const [scope, name = '', modifier] = path;
  if (scope === 'auth' && name === 'id' && path.length === 2) {
    return { kind: 'value', value: request.callerId, family: 'text' };
  }
  const type = Object.hasOwn(schema, name) ? schema[name] : undefined;
  if (scope !== 'body' || !type || (path.length === 3 && modifier !== ':isset') || path.length > 3) {
    throw new RuleRefused('RULE_UNKNOWN_REQUEST_FIELD');
  }
  const isSet = Object.hasOwn(request.body, name);
  if (modifier === ':isset') return { kind: 'value', value: isSet ? 1 : 0, family: 'bool' };
  const family = familyOf(type);
  return { kind: 'value', value: isSet ? (request.body[name] as Value) : zeroOf(family), family };
}

function decide({ node, left, right, family }: Checked, row: Record<string, Value>): boolean {
  const read = (side: Side): Value => {
    if (side.kind === 'field') return row[side.name] as Value;
    return side.value ?? zeroOf(family);
  };
  const a = read(left);
  const b = read(right);
  if (node.op === '~' || node.op === '!~') {
    const contains = lowerAscii(String(a)).includes(lowerAscii(String(b)));
    return node.op === '~' ? contains : !contains;
  }
  const order =
    family === 'text' ? Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b))) : Number(a) - Number(b);
  switch (node.op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
