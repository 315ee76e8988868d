import type { CompareNode, Operand, RuleNode } from './ast.js';
import { ruleError } from './errors.js';
import { type Token, tokenize } from './lexer.js';
import { MAX_DEPTH, MAX_TERMS } from './limits.js';

/**
 * Recursive-descent parser for the rule language:
 *
 * ```
 * expression := and ('||' and)*
 * and        := primary ('&&' primary)*
 * primary    := '(' expression ')' | operand operator operand
 * operand    := field.path | @request.path | @now | "string" | 'string' | number | true | false | null
 * operator   := = | != | > | >= | < | <= | ~ | !~
 * ```
 *
 * `&&` binds tighter than `||`; both associate to the left. Recursion only happens through
 * parentheses, which MAX_DEPTH bounds, so no input can exhaust the stack.
 */

interface ParserState {
  tokens: Token[];
  index: number;
  terms: number;
}

/**
 * Parses rule or filter text. Empty or all-whitespace text is "no condition" and returns null
 * (a rule `""` lets anyone through; a missing rule is the caller's business: admins only).
 * @throws AppError `RULE_*` (400) naming the position for any text that is not a valid rule.
 * @example parseRule('owner = @request.auth.id || public = true')
 */
export function parseRule(text: string): RuleNode | null {
  const state: ParserState = { tokens: tokenize(text), index: 0, terms: 0 };
  if (peek(state).kind === 'end') return null;
  const node = parseOr(state, 0);
  const rest = peek(state);
  if (rest.kind !== 'end') {
    const expected = rest.kind === 'rparen' ? 'unbalanced ")"' : `expected && or || but found ${describe(rest)}`;
    throw ruleError('RULE_SYNTAX', expected, rest.position);
  }
  return node;
}

function parseOr(state: ParserState, depth: number): RuleNode {
  let left = parseAnd(state, depth);
  while (peek(state).kind === 'or') {
    state.index++;
    left = { kind: 'or', left, right: parseAnd(state, depth) };
  }
  return left;
}

function parseAnd(state: ParserState, depth: number): RuleNode {
  let left = parsePrimary(state, depth);
  while (peek(state).kind === 'and') {
    state.index++;
    left = { kind: 'and', left, right: parsePrimary(state, depth) };
  }
  return left;
}

function parsePrimary(state: ParserState, depth: number): RuleNode {
  const token = peek(state);
  if (token.kind !== 'lparen') return parseCompare(state);
  if (depth + 1 > MAX_DEPTH) {
    throw ruleError('RULE_TOO_DEEP', `more than ${MAX_DEPTH} levels of parentheses`, token.position);
  }
  state.index++;
  const node = parseOr(state, depth + 1);
  const close = peek(state);
  if (close.kind !== 'rparen') {
    throw ruleError('RULE_SYNTAX', `expected ")" but found ${describe(close)}`, close.position);
  }
  state.index++;
  return node;
}

function parseCompare(state: ParserState): CompareNode {
  const first = peek(state);
  state.terms++;
  if (state.terms > MAX_TERMS) {
    throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_TERMS} comparisons`, first.position);
  }
  const left = parseOperand(state);
  const operator = peek(state);
  if (operator.kind !== 'operator') {
    throw ruleError(
      'RULE_SYNTAX',
      `expected an operator (= != > >= < <= ~ !~) but found ${describe(operator)}`,
      operator.position,
    );
  }
  state.index++;
  const right = parseOperand(state);
  return { kind: 'compare', op: operator.value, left, right, position: operator.position };
}

function parseOperand(state: ParserState): Operand {
  const token = peek(state);
  state.index++;
  switch (token.kind) {
    case 'string':
    case 'number':
      return { kind: 'literal', value: token.value, position: token.position };
    case 'identifier':
      return operandFromIdentifier(token.segments, token.position);
    default:
      throw ruleError('RULE_SYNTAX', `expected a field or a value but found ${describe(token)}`, token.position);
  }
}

const KEYWORDS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

function operandFromIdentifier(segments: string[], position: number): Operand {
  const [head, ...rest] = segments as [string, ...string[]];
  if (rest.length === 0 && Object.hasOwn(KEYWORDS, head)) {
    return { kind: 'literal', value: KEYWORDS[head] ?? null, position };
  }
  if (!head.startsWith('@')) return { kind: 'field', path: segments, position };
  if (head === '@now' && rest.length === 0) return { kind: 'now', position };
  if (head === '@request' && rest.length > 0) return { kind: 'request', path: rest, position };
  throw ruleError(
    'RULE_SYNTAX',
    `unknown name ${JSON.stringify(segments.join('.'))} (use @request.… or @now)`,
    position,
  );
}

function peek(state: ParserState): Token {
  // tokenize() always ends with an `end` token and parsing never steps past it.
  return state.tokens[Math.min(state.index, state.tokens.length - 1)] as Token;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'identifier':
      return JSON.stringify(token.segments.join('.'));
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'operator':
      return `"${token.value}"`;
    case 'and':
      return '"&&"';
    case 'or':
      return '"||"';
    case 'lparen':
      return '"("';
    case 'rparen':
      return '")"';
  }
}
