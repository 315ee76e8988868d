import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, testDialect } from '../../../test/helpers/test-app.js';
import { isAppError } from '../../errors/index.js';
import { compileRule, evaluateRule, printRule, type RuleNode } from './index.js';
import {
  requestArbitrary,
  rowsArbitrary,
  ruleTreeArbitrary,
  type Schema,
  schemaArbitrary,
  WIDE_COLUMNS,
} from './testing/rule-arbitraries.js';
import { createTestResolver, createTestTable, openRuleTestDb, type RuleTestDb } from './testing/rule-test-db.js';

/**
 * Differential property: for random schemas, records and rules, the compiled SQL run on this
 * project's database and the in-memory evaluator select exactly the same records — or refuse
 * the rule with the same RULE_* error. Any divergence would be a rule that means one thing in
 * a list query and another in a create check.
 */

const NOW = new Date('2026-01-01T00:00:00.000Z');
const TABLE = 'prop_rows';
const ZERO_ROW = { s0: '', s1: '', s2: '', n0: 0, n1: 0, b0: 0, b1: 0 };

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect(), createSchema);
  await createTestTable(test, TABLE, WIDE_COLUMNS);
});
afterAll(() => test.close());

type Outcome = { ids: string[] } | { error: string };

function outcomeOf(run: () => string[]): Outcome {
  try {
    return { ids: run().sort() };
  } catch (error) {
    if (isAppError(error) && error.code.startsWith('RULE_')) return { error: `${error.code}: ${error.detail}` };
    throw error;
  }
}

async function sqlOutcome(text: string, resolver: ReturnType<typeof createTestResolver>): Promise<Outcome> {
  let where: ReturnType<typeof compileRule>;
  try {
    where = compileRule(text, resolver, test.dialect, { now: NOW });
  } catch (error) {
    return outcomeOf(() => {
      throw error;
    });
  }
  const rows = await test.db.selectFrom(TABLE).select('id').where(where).execute();
  return { ids: rows.map((row) => row.id as string).sort() };
}

describe('compiled SQL and the in-memory evaluator agree', () => {
  it('on random schemas, records and rules (including ill-typed ones)', async () => {
    const scenario = schemaArbitrary().chain((schema: Schema) =>
      fc.record({
        schema: fc.constant(schema),
        rows: rowsArbitrary(),
        request: requestArbitrary(),
        rules: fc.array(ruleTreeArbitrary(schema, { withErrors: true }), { minLength: 4, maxLength: 4 }),
      }),
    );
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ schema, rows, request, rules }) => {
        await test.db.deleteFrom(TABLE).execute();
        await test.db.insertInto(TABLE).values(rows).execute();
        const resolver = createTestResolver({ table: TABLE, fields: schema, request });
        for (const rule of rules as RuleNode[]) {
          const text = printRule(rule);
          const inMemory = outcomeOf(() =>
            rows
              .filter((row) => evaluateRule(text, resolver, (path) => row[path[0] ?? ''] ?? null, { now: NOW }))
              .map((row) => row.id as string),
          );
          expect(await sqlOutcome(text, resolver), text).toEqual(inMemory);
          compared++;
        }
      }),
      { numRuns: 100 },
    );
    expect(compared).toBe(400);
  });

  it('on ~ and !~ with operands made of LIKE metacharacters (a ~ operand is never a wildcard)', async () => {
    const tiny = fc.string({ unit: fc.constantFrom('a', 'A', 'b', '%', '_', '\\'), maxLength: 5 });
    const scenario = fc.record({
      values: fc.array(tiny, { minLength: 4, maxLength: 8 }),
      operand: fc.string({ unit: fc.constantFrom('a', 'B', '%', '_', '\\'), minLength: 1, maxLength: 3 }),
      op: fc.constantFrom<'~' | '!~'>('~', '!~'),
    });
    const resolver = createTestResolver({ table: TABLE, fields: { s0: 'text' } });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ values, operand, op }) => {
        const rows = values.map((s0, i) => ({ ...ZERO_ROW, id: `r${i}`, s0 }));
        await test.db.deleteFrom(TABLE).execute();
        await test.db.insertInto(TABLE).values(rows).execute();
        const text = printRule({
          kind: 'compare',
          op,
          left: { kind: 'field', path: ['s0'] },
          right: { kind: 'literal', value: operand },
        });
        const expected = rows.filter((row) => row.s0.toLowerCase().includes(operand.toLowerCase()) === (op === '~'));
        expect(await sqlOutcome(text, resolver), text).toEqual({ ids: expected.map((row) => row.id).sort() });
        expect(rows.filter((row) => evaluateRule(text, resolver, () => row.s0)).map((row) => row.id)).toEqual(
          expected.map((row) => row.id),
        );
      }),
      { numRuns: 100 },
    );
  });
});
