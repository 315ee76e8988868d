import { Buffer } from 'node:buffer';
import type { CompareOperator } from './ast.js';
import type { Comparable, Family } from './semantics.js';

/*
 * Constant folding's evaluator of the meaning stated in semantics.ts. Apart from the type rules
 * there because it orders text by UTF-8 bytes with node:buffer: the type rules also run in the
 * dashboard's rule editor (browser.ts), which has no node:* modules; the evaluator never does.
 */

/** Evaluates `left op right` on values already normalized to `family`. */
export function compareValues(family: Family, op: CompareOperator, left: Comparable, right: Comparable): boolean {
  if (op === '~') return containsIgnoringAsciiCase(String(left), String(right));
  if (op === '!~') return !containsIgnoringAsciiCase(String(left), String(right));
  const order = family === 'text' ? compareUtf8(String(left), String(right)) : Number(left) - Number(right);
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

/** Lower-cases A–Z only, exactly like SQLite's built-in lower(). */
function lowerAscii(value: string): string {
  let result = '';
  for (const char of value) result += char >= 'A' && char <= 'Z' ? String.fromCharCode(char.charCodeAt(0) + 32) : char;
  return result;
}

function containsIgnoringAsciiCase(haystack: string, needle: string): boolean {
  return lowerAscii(haystack).includes(lowerAscii(needle));
}

/** Bytewise order of the UTF-8 encodings, like memcmp in SQLite BINARY and PostgreSQL "C". */
function compareUtf8(left: string, right: string): number {
  if (left === right) return 0;
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}
