import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { convertersFor, convertValues } from './query-values.js';

const Query = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  ratio: Type.Optional(Type.Number()),
  confirm: Type.Optional(Type.Boolean()),
  filter: Type.Optional(Type.String()),
});

const converted = (values: Record<string, unknown>) => {
  const copy = { ...values };
  convertValues(copy, convertersFor(Query));
  return copy;
};

describe('strict query values', () => {
  it('converts plain decimal text of the schema type only', () => {
    expect(converted({ page: '12', ratio: '-0.5', confirm: 'false', filter: '12' })).toEqual({
      page: 12,
      ratio: -0.5,
      confirm: false,
      filter: '12',
    });
  });

  it.each(['Infinity', '-Infinity', '1e309', 'NaN', '1e3', '0x10', ' 2', '2 ', '', '+2', '01', '1.0', '9'.repeat(16)])(
    'leaves %j as text for an integer, so validation refuses it',
    (text) => {
      expect(converted({ page: text }).page).toBe(text);
    },
  );

  it.each(['1', '0', 'yes', 'TRUE', ''])('leaves %j as text for a boolean', (text) => {
    expect(converted({ confirm: text }).confirm).toBe(text);
  });

  it('leaves repeated keys (arrays) alone', () => {
    expect(converted({ page: ['1', '2'] }).page).toEqual(['1', '2']);
  });
});
