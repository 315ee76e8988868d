import type { CompareNode, CompareOperator, Operand } from './ast.js';
import { ruleError, tooManyHops, withPosition } from './errors.js';
import { MAX_PATTERN_LENGTH, MAX_RELATION_DEPTH } from './limits.js';
import type { FieldResolver, Literal, ValueType } from './resolver.js';
import { type Comparable, type Family, familyOf, isOperatorAllowed, isStorableText, zeroValue } from './semantics.js';

/**
 * Type-checks one comparison and turns its non-field sides into normalized values, ready to be
 * bound as parameters or decided here when no field is involved (constant folding).
 */

export interface FieldSide<R> {
  kind: 'field';
  path: readonly string[];
  resolved: R;
  type: ValueType;
}

export interface ValueSide {
  kind: 'value';
  value: Comparable;
}

export interface CheckedCompare<R> {
  op: CompareOperator;
  family: Family;
  left: FieldSide<R> | ValueSide;
  right: FieldSide<R> | ValueSide;
}

type TypedSide<R> =
  | { kind: 'field'; path: readonly string[]; resolved: R; type: ValueType }
  | { kind: 'value'; raw: Literal; type: ValueType | undefined; origin: string };

interface CheckResolver<R> {
  resolveField(path: readonly string[]): R | null;
  resolveRequest: FieldResolver['resolveRequest'];
}

export function checkCompare<R extends { type: ValueType }>(
  node: CompareNode,
  resolver: CheckResolver<R>,
  now: Date,
): CheckedCompare<R> {
  const left = typeOperand(node.left, resolver, now);
  const right = typeOperand(node.right, resolver, now);
  const leftFamily = left.type && familyOf(left.type);
  const rightFamily = right.type && familyOf(right.type);
  if (leftFamily && rightFamily && leftFamily !== rightFamily) {
    throw ruleError('RULE_TYPE_MISMATCH', `cannot compare ${leftFamily} with ${rightFamily}`, node.right.position);
  }
  const family = leftFamily ?? rightFamily ?? 'text';
  // A null takes the zero value of the other side's type (json's zero is the text `null`).
  const leftZero = zeroValue(right.type ?? left.type ?? 'text');
  const rightZero = zeroValue(left.type ?? right.type ?? 'text');
  if (!isOperatorAllowed(family, node.op)) {
    throw ruleError('RULE_TYPE_MISMATCH', `operator ${node.op} does not apply to ${family}`, node.position);
  }
  if ((node.op === '~' || node.op === '!~') && right.kind === 'field') {
    throw ruleError(
      'RULE_TYPE_MISMATCH',
      `the right side of ${node.op} must be a value, not a field`,
      node.right.position,
    );
  }
  const checked = {
    op: node.op,
    family,
    left: normalizeSide(left, family, leftZero, node.left.position),
    right: normalizeSide(right, family, rightZero, node.right.position),
  };
  if (checked.right.kind === 'value' && (node.op === '~' || node.op === '!~')) {
    if (String(checked.right.value).length > MAX_PATTERN_LENGTH) {
      throw ruleError(
        'RULE_TOO_LONG',
        `${node.op} operand longer than ${MAX_PATTERN_LENGTH} characters`,
        node.right.position,
      );
    }
  }
  return checked;
}

function typeOperand<R extends { type: ValueType }>(
  operand: Operand,
  resolver: CheckResolver<R>,
  now: Date,
): TypedSide<R> {
  switch (operand.kind) {
    case 'field':
      return typeField(operand.path, operand.position, resolver);
    case 'request': {
      const name = `@request.${operand.path.join('.')}`;
      const found = withPosition(operand.position, () => resolver.resolveRequest(operand.path));
      if (found === undefined)
        throw ruleError('RULE_UNKNOWN_REQUEST_FIELD', `unknown ${JSON.stringify(name)}`, operand.position);
      return { kind: 'value', raw: found.value, type: found.type, origin: name };
    }
    case 'now':
      return { kind: 'value', raw: now.toISOString(), type: 'date', origin: '@now' };
    case 'literal':
      return { kind: 'value', raw: operand.value, type: literalType(operand.value), origin: 'the literal' };
  }
}

function typeField<R extends { type: ValueType }>(
  path: readonly string[],
  position: number | undefined,
  resolver: CheckResolver<R>,
): TypedSide<R> {
  const name = JSON.stringify(path.join('.'));
  if (path.length === 0) throw ruleError('RULE_UNKNOWN_FIELD', 'empty field path', position);
  // Each hop is a correlated subquery per row (limits.ts).
  if (path.length > MAX_RELATION_DEPTH + 1) {
    throw tooManyHops(name, position);
  }
  const resolved = withPosition(position, () => resolver.resolveField(path));
  if (resolved === null) throw ruleError('RULE_UNKNOWN_FIELD', `unknown field ${name}`, position);
  return { kind: 'field', path, resolved, type: resolved.type };
}

function literalType(value: Literal): ValueType | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return 'text';
  return typeof value === 'number' ? 'number' : 'bool';
}

function normalizeSide<R>(
  side: TypedSide<R>,
  family: Family,
  zero: Comparable,
  position: number | undefined,
): FieldSide<R> | ValueSide {
  if (side.kind === 'field') return { kind: 'field', path: side.path, resolved: side.resolved, type: side.type };
  return { kind: 'value', value: side.raw === null ? zero : normalizeValue(side.raw, family, side.origin, position) };
}

/** A request value must have the JS type its declared type promises. */
function normalizeValue(
  raw: string | number | boolean,
  family: Family,
  origin: string,
  position: number | undefined,
): Comparable {
  if (family === 'text' && typeof raw === 'string' && isStorableText(raw)) return raw;
  if (family === 'number' && typeof raw === 'number' && Number.isFinite(raw)) return raw === 0 ? 0 : raw;
  if (family === 'bool' && typeof raw === 'boolean') return raw ? 1 : 0;
  throw ruleError('RULE_TYPE_MISMATCH', `${origin} is not a valid ${family} value`, position);
}
