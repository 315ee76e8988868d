import type { RuleNode } from './ast.js';
import { checkCompare, type FieldSide, type ValueSide } from './check-compare.js';
import { parseRule } from './parser.js';
import type { FieldTypeResolver, Literal, RuleOptions, ValueType } from './resolver.js';
import { collectCompares } from './rule-shape.js';
import { type Comparable, compareValues, type Family, zeroValue } from './semantics.js';

/**
 * Reads a field of the record being checked, in its stored form: text as string, numbers as
 * number, bools as boolean or 0/1; null (an empty relation) reads as the zero value.
 */
export type FieldReader = (path: readonly string[]) => Literal;

/**
 * Evaluates a rule in memory against one record — for records not (yet) in the database, such
 * as the body of a create — with exactly the meaning compileRule gives it in SQL (a property
 * test holds the two to the same answers on SQLite and PostgreSQL). It refuses the same rules
 * with the same `RULE_*` errors, checking every comparison before answering.
 *
 * @param rule rule text, a parsed tree, or null; `""` and null mean "no condition" (true)
 * @example evaluateRule('owner = @request.auth.id', resolver, (path) => body[path[0] ?? ''] ?? null)
 */
export function evaluateRule(
  rule: RuleNode | string | null,
  resolver: FieldTypeResolver,
  getField: FieldReader,
  options: RuleOptions = {},
): boolean {
  const node = typeof rule === 'string' ? parseRule(rule) : rule;
  if (node === null) return true;
  const now = options.now ?? new Date();
  const results = new Map(
    collectCompares(node).map((compare) => {
      const checked = checkCompare(compare, resolver, now);
      const left = sideValue(checked.left, checked.family, getField);
      const right = sideValue(checked.right, checked.family, getField);
      return [compare, compareValues(checked.family, checked.op, left, right)] as const;
    }),
  );
  return decide(node, results);
}

function decide(node: RuleNode, results: ReadonlyMap<RuleNode, boolean>): boolean {
  if (node.kind === 'compare') return results.get(node) === true;
  const left = decide(node.left, results);
  const right = decide(node.right, results);
  return node.kind === 'and' ? left && right : left || right;
}

function sideValue(
  side: FieldSide<{ type: ValueType }> | ValueSide,
  family: Family,
  getField: FieldReader,
): Comparable {
  if (side.kind === 'value') return side.value;
  return storedValue(getField(side.path), family, side.type, side.path);
}

/** Stored values are trusted data, so a wrong type is a bug in the caller, not a 400. */
function storedValue(value: Literal, family: Family, type: ValueType, path: readonly string[]): Comparable {
  if (value === null) return zeroValue(type);
  if (family === 'text' && typeof value === 'string') return value;
  if (family === 'number' && typeof value === 'number') return value;
  if (family === 'bool' && (typeof value === 'boolean' || value === 0 || value === 1)) return Number(value);
  throw new TypeError(`field ${path.join('.')} holds a ${typeof value}, not a ${family} value`);
}
