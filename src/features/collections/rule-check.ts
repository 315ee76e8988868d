import { isAppError } from '../../errors/index.js';
import { checkRule, positionOf } from '../rules/browser.js';
import type { CollectionDefinition } from './collection-definition.js';
import { createRuleTypes, GUEST } from './rule-types.js';

/** Why a rule is refused: the code and message the API answers with, and the 0-based position. */
export interface RuleProblem {
  code: string;
  message: string;
  position: number | undefined;
}

/**
 * Checks one rule of `definition` as saving it does, against its fields and, for relation paths,
 * the other collections in `all`: the server runs this on every create, PATCH and schema apply,
 * and the dashboard's rule editor runs the same function as the operator types.
 * @returns null when the rule would be saved, else the problem the API would name
 */
export function checkCollectionRule(
  rule: string,
  definition: CollectionDefinition,
  all: readonly CollectionDefinition[],
): RuleProblem | null {
  const byName = new Map(all.map((c) => [c.name, c]));
  byName.set(definition.name, definition);
  const types = createRuleTypes({ definition, mode: 'rule', caller: GUEST, relatedDefinition: (n) => byName.get(n) });
  try {
    checkRule(rule, types);
    return null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const message = error.detail ?? error.code;
    return { code: error.code, message, position: positionOf(message) };
  }
}
