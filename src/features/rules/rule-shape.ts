import type { CompareNode, RuleNode } from './ast.js';
import { ruleError } from './errors.js';
import { MAX_TERMS } from './limits.js';

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
  return compares;
}
