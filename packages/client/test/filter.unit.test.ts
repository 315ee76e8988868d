import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/features/rules/lexer.js';
import { and, field, filter, literal, or, quote, sort } from '../src/index.js';
import { HOSTILE } from './hostile-strings.js';

/**
 * The filter helper against the server's own lexer: whatever a value holds, it comes out as
 * exactly one literal token carrying exactly that value, and the text around it is untouched.
 */

/**
 * Strings the server can store (no NUL, no lone surrogate: the lexer refuses those itself), made
 * mostly of the characters that matter to the lexer (quotes, backslashes, line breaks,
 * operators), the rest from all of Unicode.
 */
const syntaxCharacter = fc.constantFrom('"', "'", '\\', '\n', '\r', '\t', ' ', '|', '&', '(', ')', '=', '~', '@');
const storableString = fc
  .string({
    unit: fc.oneof(syntaxCharacter, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 200,
  })
  .filter((text) => !text.includes('\u0000'));

describe('filter values are bound, never syntax', () => {
  it('quote() gives one string token holding exactly the value, for any storable string', () => {
    fc.assert(
      fc.property(storableString, (value) => {
        const tokens = tokenize(quote(value));
        expect(tokens).toHaveLength(2);
        expect(tokens[0]).toMatchObject({ kind: 'string', value });
        expect(tokens[1]?.kind).toBe('end');
      }),
    );
  });

  it('a hostile value inside a template changes nothing around it', () => {
    for (const value of [...HOSTILE]) {
      const tokens = tokenize(filter`title = ${value} && owner != ${'x'}`.text);
      expect(tokens.map((token) => token.kind)).toEqual([
        'identifier',
        'operator',
        'string',
        'and',
        'identifier',
        'operator',
        'string',
        'end',
      ]);
      expect(tokens[2]).toMatchObject({ kind: 'string', value });
    }
  });

  it('numbers come out as the same number in plain decimal (the lexer reads no exponents)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const tokens = tokenize(literal(value));
        expect(tokens).toHaveLength(2);
        expect(tokens[0]).toMatchObject({ kind: 'number', value: value === 0 ? 0 : value });
      }),
    );
    expect(literal(1e21)).toBe('1000000000000000000000');
    expect(literal(1.5e-7)).toBe('0.00000015');
  });

  it('booleans, null, dates, field names and nested filters', () => {
    const since = new Date('2026-01-02T03:04:05.000Z');
    const nested = or(filter`a = ${1}`, filter`b = ${true}`);
    const text =
      filter`${field('author.name')} = ${'x'} && done = ${false} && gone = ${null} && created > ${since} && ${nested}`
        .text;
    expect(text).toBe(
      'author.name = "x" && done = false && gone = null && created > "2026-01-02T03:04:05.000Z" && ((a = 1) || (b = true))',
    );
    expect(and(undefined, filter`a = ${1}`, undefined).text).toBe('(a = 1)');
  });

  it('refuses what cannot be written safely, before anything is sent', () => {
    const refusals = [
      () => filter`title = "${'x'}"`,
      () => filter`title = '${'x'}'`,
      () => filter`title = ${'a\u0000b'}`,
      () => filter`title = ${'\ud800'}`,
      () => filter`n = ${Number.NaN}`,
      () => filter`n = ${Number.POSITIVE_INFINITY}`,
      () => filter`d = ${new Date('nope')}`,
      () => filter`x = ${{ toString: () => '1 || 1' } as unknown as string}`,
      () => field('a || b'),
      () => field('__proto__.x y'),
      () => sort('-created', 'title,owner'),
    ];
    for (const refuse of refusals) {
      expect(refuse).toThrow(expect.objectContaining({ code: 'CLIENT_INVALID_ARGUMENT' }));
    }
    expect(sort('-created', '+title', 'owner.name')).toBe('-created,+title,owner.name');
  });
});
