import type { RuleNode } from './ast.js';
import { checkCompare } from './check-compare.js';
import { compareValues } from './compare-values.js';
import { requestPlace } from './compile.js';
import { parseRuleCached } from './parse-cache.js';
import type { FieldResolver } from './resolver.js';
import { collectCompares } from './rule-shape.js';
import type { Comparable } from './semantics.js';

/**
 * What one request brings to a rule compiled with `requestParameter` (SQL kept for reuse):
 * which comparisons it decides without the database, and the value of each request parameter.
 */
export interface RequestValues {
  /**
   * One character per comparison with no field ('1' true, '0' false), in rule order. The SQL
   * compileRule writes depends on the request only through these (a decided comparison is
   * folded away, and `&&`/`||` simplify around it), so two requests with the same decisions
   * get the same SQL and differ only in the values bound to it. Never holds a value itself.
   */
  decisions: string;
  /** The value this request binds at a placeholder's place. */
  valueAt(place: number): Comparable;
}

const NO_VALUES: RequestValues = {
  decisions: '',
  valueAt: (place) => {
    throw new RangeError(`no request value at place ${place}`);
  },
};

/**
 * Reads a rule's request values for one request: every comparison is checked exactly as
 * compileRule checks it (same resolver, same instant, same order), so a rule compileRule would
 * refuse for this request throws the same RULE_* error here.
 * @throws AppError `RULE_*` (400), as compileRule
 * @example
 *   const kept = compileRule(text, resolverA, 'sqlite', { now, requestParameter: (place) => new Slot(place) });
 *   const values = readRequestValues(text, resolverB, now); // same decisions → bind values.valueAt(slot.place)
 */
export function readRequestValues(rule: RuleNode | string | null, resolver: FieldResolver, now: Date): RequestValues {
  const node = typeof rule === 'string' ? parseRuleCached(rule) : rule;
  if (node === null) return NO_VALUES;
  let decisions = '';
  const values = new Map<number, Comparable>();
  collectCompares(node).forEach((compare, index) => {
    const { op, family, left, right } = checkCompare(compare, resolver, now);
    if (left.kind === 'value' && right.kind === 'value') {
      decisions += compareValues(family, op, left.value, right.value) ? '1' : '0';
      return;
    }
    if (left.kind === 'value') values.set(requestPlace(index, 'left'), left.value);
    if (right.kind === 'value') values.set(requestPlace(index, 'right'), right.value);
  });
  return {
    decisions,
    valueAt(place) {
      const value = values.get(place);
      if (value === undefined) throw new RangeError(`no request value at place ${place}`);
      return value;
    },
  };
}
