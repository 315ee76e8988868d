import type { Operand, RuleNode } from '../../../src/features/rules/index.js';

/**
 * Test support: prints a tree back to rule text that parses to the same tree (positions aside),
 * with the fewest parentheses `&&`-over-`||` precedence and left associativity allow. The
 * property tests generate trees and feed their text in, so the parser is exercised too.
 * @example printRule({ kind: 'compare', op: '=', left: { kind: 'field', path: ['a'] }, right: { kind: 'literal', value: 'x' } }) // a = "x"
 */
export function printRule(node: RuleNode | null): string {
  if (node === null) return '';
  if (node.kind === 'compare') return `${printOperand(node.left)} ${node.op} ${printOperand(node.right)}`;
  const operator = node.kind === 'and' ? '&&' : '||';
  // A left child needs parentheses only when it binds looser (|| under &&); a right child also
  // when it is the same operator, because parsing groups to the left.
  const left = needsParentheses(node.kind, node.left, false) ? `(${printRule(node.left)})` : printRule(node.left);
  const right = needsParentheses(node.kind, node.right, true) ? `(${printRule(node.right)})` : printRule(node.right);
  return `${left} ${operator} ${right}`;
}

function needsParentheses(parent: 'and' | 'or', child: RuleNode, isRight: boolean): boolean {
  if (child.kind === 'compare') return false;
  if (child.kind !== parent) return parent === 'and';
  return isRight;
}

function printOperand(operand: Operand): string {
  switch (operand.kind) {
    case 'field':
      return operand.path.join('.');
    case 'request':
      // The `:isset` modifier is the path's last segment but follows it without a dot.
      return `@request.${operand.path.join('.').replace('.:isset', ':isset')}`;
    case 'now':
      return '@now';
    case 'literal':
      return printLiteral(operand.value);
  }
}

function printLiteral(value: string | number | boolean | null): string {
  if (typeof value === 'string') return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  // The lexer reads no exponents, so 1e-7 is written out in full.
  const text = String(value);
  return text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
}
