import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';

function codeOf(text: string): string {
  try {
    tokenize(text);
    return 'ok';
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as { detail: string }).detail}`;
  }
}

describe('the rule lexer', () => {
  it('reads every token kind with its position', () => {
    expect(tokenize('a.b >= -1.5 && (@request.auth.id != "x" || @now ~ \'y\')')).toEqual([
      { kind: 'identifier', segments: ['a', 'b'], position: 0 },
      { kind: 'operator', value: '>=', position: 4 },
      { kind: 'number', value: -1.5, position: 7 },
      { kind: 'and', position: 12 },
      { kind: 'lparen', position: 15 },
      { kind: 'identifier', segments: ['@request', 'auth', 'id'], position: 16 },
      { kind: 'operator', value: '!=', position: 33 },
      { kind: 'string', value: 'x', position: 36 },
      { kind: 'or', position: 40 },
      { kind: 'identifier', segments: ['@now'], position: 43 },
      { kind: 'operator', value: '~', position: 48 },
      { kind: 'string', value: 'y', position: 50 },
      { kind: 'rparen', position: 53 },
      { kind: 'end', position: 54 },
    ]);
  });

  it('reads the :isset modifier after @request paths only', () => {
    expect(tokenize('@request.body.owner:isset = false')[0]).toEqual({
      kind: 'identifier',
      segments: ['@request', 'body', 'owner', ':isset'],
      position: 0,
    });
    expect(codeOf('owner:isset = false')).toBe('RULE_SYNTAX: only @request.body.<field> takes :isset at character 6');
    expect(codeOf('@request.body.owner:issetx = 1')).toMatch(/^RULE_SYNTAX/);
  });

  it('reads all eight comparison operators, longest first', () => {
    const operators = tokenize('= != > >= < <= ~ !~').flatMap((t) => (t.kind === 'operator' ? [t.value] : []));
    expect(operators).toEqual(['=', '!=', '>', '>=', '<', '<=', '~', '!~']);
    expect(tokenize('a>=1').map((t) => t.kind)).toEqual(['identifier', 'operator', 'number', 'end']);
  });

  it('decodes \\ escapes in both quote styles and keeps the other quote as is', () => {
    expect(tokenize(String.raw`"a\"b\\c'd\n"`)[0]).toMatchObject({ value: 'a"b\\c\'d\n' });
    expect(tokenize(String.raw`'it\'s "q"\t'`)[0]).toMatchObject({ value: 'it\'s "q"\t' });
    expect(tokenize('"é 😀 %_"')[0]).toMatchObject({ value: 'é 😀 %_' });
  });

  it('reads integers and decimals with an optional leading minus', () => {
    expect(tokenize('0 42 -7 3.25 -0')).toMatchObject([
      { value: 0 },
      { value: 42 },
      { value: -7 },
      { value: 3.25 },
      { value: 0 },
      { kind: 'end' },
    ]);
  });

  it.each([
    ['a = "abc', 'RULE_SYNTAX: unterminated string at character 5'],
    ['a = "a\\qb"', 'RULE_SYNTAX: unknown escape sequence in string at character 7'],
    ['a = 1.', 'RULE_SYNTAX: malformed number at character 5'],
    ['a = 1.2.3', 'RULE_SYNTAX: malformed number at character 5'],
    ['a = 12abc', 'RULE_SYNTAX: malformed number at character 5'],
    ['a = -x', 'RULE_SYNTAX: unexpected character "-" at character 5'],
    ['a & b', 'RULE_SYNTAX: unexpected character "&" at character 3'],
    ['a == b', 'ok'],
    ['a ! b', 'RULE_SYNTAX: unexpected character "!" at character 3'],
    ['a. = 1', 'RULE_SYNTAX: expected a name at character 3'],
    ['a.1 = 1', 'RULE_SYNTAX: expected a name at character 3'],
    ['@ = 1', 'RULE_SYNTAX: expected a name at character 2'],
    ['a = `x`', 'RULE_SYNTAX: unexpected character "`" at character 5'],
    ['a = "\u0000"', 'RULE_SYNTAX: NUL character in string at character 6'],
    ['a = "\ud800"', 'RULE_SYNTAX: invalid Unicode (lone surrogate) in string at character 6'],
    ['a = "x\udc00"', 'RULE_SYNTAX: invalid Unicode (lone surrogate) in string at character 7'],
    [`a = ${'9'.repeat(400)}`, 'RULE_SYNTAX: number out of range at character 5'],
  ])('refuses %j with the position', (text, expected) => {
    expect(codeOf(text)).toBe(expected);
  });
});
