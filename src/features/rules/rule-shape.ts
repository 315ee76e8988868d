import type { CompareNode, RuleNode } from './ast.js';
import { ruleError } from './errors.js';
import { MAX_PATTERN_TERMS, MAX_RELATION_PATHS, MAX_TERMS } from './limits.js';

/**
 * Lists the comparisons of a tree, refusing trees with more than MAX_TERMS of them. The parser
 * already enforces this for text; trees built by hand pass here too, and the walk is iterative
 * with a node budget so even a malformed million-node tree costs at most 2·MAX_TERMS steps —
 * after which every recursive walk over the tree is shallow.
 */
export function collectCompares(root: RuleNode): CompareNode[] {
  const compares: CompareNode[] = [];
  const stack: RuleNode[] = [root];
  let visited = 0;
  while (stack.length > 0) {
    const node = stack.pop() as RuleNode;
    visited++;
    if (visited > 2 * MAX_TERMS) break;
    if (node.kind === 'compare') compares.push(node);
    else stack.push(node.right, node.left);
  }
  if (visited > 2 * MAX_TERMS || compares.length > MAX_TERMS) {
    throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_TERMS} comparisons`);
  }
  checkCostlyTerms(compares);
  return compares;
}

/**
 * Refuses expressions with more of the costly terms than limits.ts allows: `~`/`!~` (a text
 * search per row) and relation paths (a subquery per row). Counted on the tree, before any
 * field is resolved, so the refusal does not depend on the schema.
 */
function checkCostlyTerms(compares: readonly CompareNode[]): void {
  let patterns = 0;
  let relations = 0;
  for (const compare of compares) {
    if (compare.op === '~' || compare.op === '!~') {
      patterns++;
      if (patterns > MAX_PATTERN_TERMS) {
        throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_PATTERN_TERMS} ~ or !~ comparisons`, compare.position);
      }
    }
    for (const operand of [compare.left, compare.right]) {
      if (operand.kind !== 'field' || operand.path.length < 2) continue;
      relations++;
      if (relations > MAX_RELATION_PATHS) {
        const paths = MAX_RELATION_PATHS === 1 ? 'relation path' : 'relation paths';
        throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_RELATION_PATHS} ${paths}`, operand.position);
      }
    }
  }
}
