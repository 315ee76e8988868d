import { checkCompare } from './check-compare.js';
import { parseRule } from './parser.js';
import type { Literal, ValueType } from './resolver.js';
import { collectCompares } from './rule-shape.js';

/**
 * What checking a rule needs of a collection: each name's type, never its SQL. FieldResolver
 * (resolver.ts) is this plus SQL, so a collection's SQL resolver is built on its RuleTypes.
 */
export interface RuleTypes {
  /** The field path's type; null when unknown; throws RULE_FIELD_NOT_FILTERABLE like FieldResolver. */
  resolveField(path: readonly string[]): { type: ValueType } | null;
  resolveRequest(path: readonly string[]): { value: Literal; type: ValueType } | undefined;
}

/**
 * Every check compileRule makes before it writes SQL, in the same order (the limits on the text,
 * the tree and its costly terms, then each comparison left to right): it throws exactly the
 * `RULE_*` error compileRule would, and nothing when compileRule would succeed. Saving a rule runs
 * this, and so does the dashboard's rule editor as the operator types (browser.ts).
 * @throws AppError `RULE_*` (400) naming the position
 */
export function checkRule(rule: string, types: RuleTypes, now: Date = new Date()): void {
  const node = parseRule(rule);
  if (node === null) return;
  for (const compare of collectCompares(node)) checkCompare(compare, types, now);
}
