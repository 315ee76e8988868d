import type { CompareOperator } from './ast.js';
import { ruleError } from './errors.js';
import { MAX_EXPRESSION_LENGTH, MAX_STRING_LITERAL_LENGTH } from './limits.js';

/**
 * Hand-written lexer: one left-to-right pass with a fixed lookahead of one character, so its
 * work is linear in the input and no regular expression can backtrack (ReDoS, CWE-1333).
 */

export type Token =
  | { kind: 'identifier'; segments: string[]; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'operator'; value: CompareOperator; position: number }
  | { kind: 'and' | 'or' | 'lparen' | 'rparen' | 'end'; position: number };

/** Escapes a string literal may use; anything else after `\` is a syntax error, not a guess. */
const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  "'": "'",
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Splits rule text into tokens, each with its 0-based offset; the last token is `end`. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw ruleError(
      'RULE_TOO_LONG',
      `expression longer than ${MAX_EXPRESSION_LENGTH} characters`,
      MAX_EXPRESSION_LENGTH,
    );
  }
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++;
      continue;
    }
    const token = readToken(text, index);
    tokens.push(token.token);
    index = token.end;
  }
  tokens.push({ kind: 'end', position: text.length });
  return tokens;
}

interface Read {
  token: Token;
  end: number;
}

function readToken(text: string, start: number): Read {
  const char = text[start] as string;
  const next = text[start + 1];
  if (char === '(') return { token: { kind: 'lparen', position: start }, end: start + 1 };
  if (char === ')') return { token: { kind: 'rparen', position: start }, end: start + 1 };
  if (char === '"' || char === "'") return readString(text, start);
  if (isDigit(char) || (char === '-' && next !== undefined && isDigit(next))) return readNumber(text, start);
  if (isIdentifierStart(char) || char === '@') return readIdentifier(text, start);
  const operator = readOperator(char, next, start);
  if (operator) return operator;
  throw ruleError('RULE_SYNTAX', `unexpected character ${JSON.stringify(char)}`, start);
}

function readOperator(char: string, next: string | undefined, start: number): Read | undefined {
  const two = char + (next ?? '');
  if (two === '&&') return { token: { kind: 'and', position: start }, end: start + 2 };
  if (two === '||') return { token: { kind: 'or', position: start }, end: start + 2 };
  if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
    return { token: { kind: 'operator', value: two, position: start }, end: start + 2 };
  }
  if (char === '=' || char === '>' || char === '<' || char === '~') {
    return { token: { kind: 'operator', value: char, position: start }, end: start + 1 };
  }
  return undefined;
}

function readString(text: string, start: number): Read {
  const quote = text[start] as string;
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === quote) {
      if (value.length > MAX_STRING_LITERAL_LENGTH) {
        throw ruleError('RULE_TOO_LONG', `string longer than ${MAX_STRING_LITERAL_LENGTH} characters`, start);
      }
      return { token: { kind: 'string', value, position: start }, end: index + 1 };
    }
    if (char === '\\') {
      const escaped = STRING_ESCAPES[text[index + 1] ?? ''];
      if (escaped === undefined) throw ruleError('RULE_SYNTAX', 'unknown escape sequence in string', index);
      value += escaped;
      index += 2;
      continue;
    }
    assertTextCharacter(text, index);
    value += char;
    index++;
  }
  throw ruleError('RULE_SYNTAX', 'unterminated string', start);
}

/**
 * NUL cannot be stored in PostgreSQL text (binding it fails inside the driver, a 500), and a
 * lone UTF-16 surrogate would be bound as U+FFFD, so the database would compare a different
 * string from the one the rule names (and constant folding in JavaScript would disagree). Both are refused where they stand.
 */
function assertTextCharacter(text: string, index: number): void {
  const code = text.charCodeAt(index);
  if (code === 0) throw ruleError('RULE_SYNTAX', 'NUL character in string', index);
  if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(index + 1))) return;
  if (isLowSurrogate(code) && isHighSurrogate(text.charCodeAt(index - 1))) return;
  if (isHighSurrogate(code) || isLowSurrogate(code)) {
    throw ruleError('RULE_SYNTAX', 'invalid Unicode (lone surrogate) in string', index);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function readNumber(text: string, start: number): Read {
  let index = text[start] === '-' ? start + 1 : start;
  index = skipDigits(text, index);
  if (text[index] === '.') {
    const fractionStart = index + 1;
    index = skipDigits(text, fractionStart);
    if (index === fractionStart) throw ruleError('RULE_SYNTAX', 'malformed number', start);
  }
  const after = text[index];
  if (after !== undefined && (isIdentifierPart(after) || after === '.')) {
    throw ruleError('RULE_SYNTAX', 'malformed number', start);
  }
  const value = Number(text.slice(start, index));
  if (!Number.isFinite(value)) throw ruleError('RULE_SYNTAX', 'number out of range', start);
  // -0 and 0 are the same number to both databases; keep one spelling.
  return { token: { kind: 'number', value: value === 0 ? 0 : value, position: start }, end: index };
}

/** The one modifier: `@request.body.role:isset`. */
export const ISSET = ':isset';

/** `a`, `a.b.c`, `@request.auth.id`, `@now`: dot-separated segments, `@` only in front. */
function readIdentifier(text: string, start: number): Read {
  const segments: string[] = [];
  let index = start;
  for (;;) {
    const segmentStart = index;
    if (index === start && text[index] === '@') index++;
    const nameStart = index;
    if (!isIdentifierStart(text[index] ?? '')) {
      throw ruleError('RULE_SYNTAX', 'expected a name', index);
    }
    while (index < text.length && isIdentifierPart(text[index] as string)) index++;
    if (index === nameStart) throw ruleError('RULE_SYNTAX', 'expected a name', index);
    segments.push(text.slice(segmentStart, index));
    if (text[index] !== '.') break;
    index++;
  }
  // `@request.body.<field>:isset` (as in PocketBase): whether the request body carries the field.
  if (text.startsWith(ISSET, index) && !isIdentifierPart(text[index + ISSET.length] ?? '')) {
    if (segments[0] !== '@request') throw ruleError('RULE_SYNTAX', 'only @request.body.<field> takes :isset', index);
    segments.push(ISSET);
    index += ISSET.length;
  }
  return { token: { kind: 'identifier', segments, position: start }, end: index };
}

/** True for one plain path segment: a letter or `_`, then letters, digits or `_`. */
export function isPlainName(segment: string): boolean {
  if (!isIdentifierStart(segment[0] ?? '')) return false;
  for (const char of segment) if (!isIdentifierPart(char)) return false;
  return true;
}

function skipDigits(text: string, start: number): number {
  let index = start;
  while (index < text.length && isDigit(text[index] as string)) index++;
  return index;
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isIdentifierStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_';
}

function isIdentifierPart(char: string): boolean {
  return isIdentifierStart(char) || isDigit(char);
}
