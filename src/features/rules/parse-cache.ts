import type { RuleNode } from './ast.js';
import { parseRule } from './parser.js';

/**
 * Most distinct texts kept parsed. Rules are few (five per collection); client filters can be
 * many, so the cache is an LRU with a bound, whatever clients send.
 */
export const MAX_CACHED_RULES = 512;

const trees = new Map<string, RuleNode | null>();

/**
 * parseRule, remembered by the exact text. The text is the key, so a changed rule is a new
 * entry and never meets a stale tree; trees are frozen so no caller can alter a shared one.
 * Text that does not parse is not remembered and throws again, with the same error, each time.
 * @throws AppError `RULE_*` (400), as parseRule
 */
export function parseRuleCached(text: string): RuleNode | null {
  const cached = trees.get(text);
  if (cached !== undefined) {
    trees.delete(text);
    trees.set(text, cached);
    return cached;
  }
  const tree = parseRule(text);
  trees.set(text, tree === null ? null : deepFreeze(tree));
  if (trees.size > MAX_CACHED_RULES) trees.delete(trees.keys().next().value as string);
  return tree;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object' && !Object.isFrozen(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
