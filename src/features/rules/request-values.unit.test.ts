import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { wideDefinition } from '../../../test/helpers/rules/rule-arbitraries.js';
import { createCompileOnlyDb, recordResolver } from '../../../test/helpers/rules/rule-test-db.js';
import { isAppError } from '../../errors/index.js';
import { compileRule, readRequestValues } from './index.js';

/**
 * SQL compiled with `requestParameter` holds a placeholder wherever a request value goes, and
 * readRequestValues gives any request's decisions and values for it: the two halves of kept
 * statements (collections/list-statements.ts).
 */
const definition = wideDefinition('rows', { s0: 'text', b0: 'bool' });
const NOW = new Date('2026-01-01T00:00:00.000Z');
const RULE = '@request.auth.id != "" && s0 = @request.auth.id && created < @now';
const asUser = (id: string) => recordResolver({ definition, caller: { id, role: 'user' } });

describe('request values for kept SQL', () => {
  it('decides the comparisons that name no field, and gives each placeholder its value', () => {
    expect(readRequestValues(RULE, recordResolver({ definition }), NOW).decisions).toBe('0');
    const alice = readRequestValues(RULE, asUser('alice'), NOW);
    expect(alice.decisions).toBe('1');
    // Comparison 1, right side; comparison 2, right side.
    expect(alice.valueAt(3)).toBe('alice');
    expect(alice.valueAt(5)).toBe(NOW.toISOString());
    expect(() => alice.valueAt(0)).toThrow(RangeError);
  });

  it('compiles placeholders only where request values go; literals stay values', () => {
    const db = createCompileOnlyDb('sqlite');
    const placeholders: number[] = [];
    const condition = compileRule(`${RULE} && s0 != "x"`, asUser('alice'), 'sqlite', {
      now: NOW,
      requestParameter: (place) => {
        placeholders.push(place);
        return { place };
      },
    });
    const { parameters } = db.selectFrom('c_rows').select(sql`1`.as('one')).where(condition).compile();
    expect(placeholders).toEqual([3, 5]);
    expect(parameters).toEqual([{ place: 3 }, { place: 5 }, 'x']);
  });

  it('refuses what compileRule refuses, with the same code', () => {
    for (const text of ['s0 = @request.auth.nope', 'b0 > true', 'missing = 1']) {
      const codeOf = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return isAppError(error) ? error.code : 'other';
        }
        return 'none';
      };
      const code = codeOf(() => readRequestValues(text, asUser('alice'), NOW));
      expect(code, text).toMatch(/^RULE_/);
      expect(code, text).toBe(codeOf(() => compileRule(text, asUser('alice'), 'sqlite', { now: NOW })));
    }
  });
});
