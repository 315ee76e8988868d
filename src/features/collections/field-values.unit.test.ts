import { describe, expect, it } from 'vitest';
import { findUnstorableCharacter } from '../../lib/encoding/storable-text.js';
import type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
import { compilePattern, matchesPattern } from './field-pattern.js';
import { convertFieldValue } from './field-values.js';
import { decodeBody, valueProblems } from './record-codec.js';

/**
 * Record values are checked by their fields whatever the HTTP edge lets through: these run the
 * checks directly, without the server in front.
 */
const TEXT_LIKE: FieldDefinition[] = [
  { name: 'title', type: 'text' },
  { name: 'mail', type: 'email' },
  { name: 'link', type: 'url' },
  { name: 'kind', type: 'select', values: ['a\u0000', 'b'] },
  { name: 'who', type: 'relation', collection: 'users' },
  { name: 'day', type: 'date' },
];

describe('text values', () => {
  it.each(TEXT_LIKE)('a $type field refuses NUL and lone surrogates', (field) => {
    for (const value of ['a\u0000', '\ud83d', 'x\ude00y', '\ude00\ud83d']) {
      expect(convertFieldValue(field, value)).toEqual({
        ok: false,
        error: expect.objectContaining({ field: field.name, code: 'characters' }),
      });
    }
  });

  it('finds the first unstorable character, and passes surrogate pairs', () => {
    expect(findUnstorableCharacter('ok 😀')).toBeUndefined();
    expect(findUnstorableCharacter('ab\u0000')).toEqual({ index: 2, problem: 'nul' });
    expect(findUnstorableCharacter('😀\ude00')).toEqual({ index: 2, problem: 'lone-surrogate' });
  });

  it('dates must exist; valid ones are stored in one UTC form', () => {
    const day: FieldDefinition = { name: 'day', type: 'date' };
    for (const value of ['2024-02-30', '2100-02-29', '2024-06-31', '2024-01-01T00:00:61Z', '2024-1-01']) {
      expect(convertFieldValue(day, value).ok, value).toBe(false);
    }
    expect(convertFieldValue(day, '2000-02-29')).toEqual({ ok: true, value: '2000-02-29T00:00:00.000Z' });
  });
});

describe('patterns', () => {
  it('compile on RE2 or are refused with the reason', () => {
    expect(compilePattern('^[A-Z]{3}-[0-9]{3}$')).toEqual({ ok: true, instructions: expect.any(Number) });
    const compiled = compilePattern('^[A-Z]{3}$');
    // The cost bound relies on reading the program size: it must be a real count.
    expect(compiled.ok && compiled.instructions).toBeGreaterThan(3);
    expect(compilePattern('(?=a)')).toEqual({ ok: false, reason: expect.stringContaining('(?=') });
  });

  it('match anywhere in the value, as RegExp.test does; an uncompilable stored pattern matches nothing', () => {
    expect(matchesPattern('b', 'abc')).toBe(true);
    expect(matchesPattern('^b', 'abc')).toBe(false);
    expect(matchesPattern('^abc$', 'abc\n')).toBe(false);
    expect(matchesPattern('(a)\\1', 'aa')).toBe(false);
  });

  it('are matched only when asked, after the rule: decoding leaves them pending', () => {
    const definition: CollectionDefinition = {
      name: 'c',
      fields: [{ name: 'code', type: 'text', pattern: '^[A-Z]+$' }],
      rules: { list: null, view: null, create: '', update: null, delete: null },
    };
    const decoded = decodeBody(definition, { code: 'lower' }, 'create', { isAdmin: false });
    expect(decoded.problems).toEqual([]);
    expect(decoded.values).toEqual({ code: 'lower' });
    expect(valueProblems(decoded)).toEqual([expect.objectContaining({ field: 'code', code: 'pattern' })]);
  });
});
