import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printRule } from '../../../test/helpers/rules/print-rule.js';
import { type Outcome, referenceOutcome } from '../../../test/helpers/rules/reference-model.js';
import {
  requestArbitrary,
  rowsArbitrary,
  ruleTreeArbitrary,
  type Schema,
  schemaArbitrary,
  wideDefinition,
} from '../../../test/helpers/rules/rule-arbitraries.js';
import {
  createRecordTable,
  insertRecords,
  openRuleTestDb,
  type RuleTestDb,
  recordResolver,
} from '../../../test/helpers/rules/rule-test-db.js';
import { testDialect } from '../../../test/helpers/test-app.js';
import { isAppError } from '../../errors/index.js';
import { compileRule, type RuleNode } from './index.js';

/**
 * Differential property: for random schemas, records, requests and rules, the compiled SQL —
 * fields resolved by the production record resolver, run on this project's database (each
 * dialect in its own test project) — selects exactly the records a small reference model of the
 * contract selects (test/helpers/rules/reference-model.ts, which shares no code with the
 * compiler), or both refuse the rule with the same RULE_* code. Rules are printed to text and
 * parsed back, so the lexer and parser are part of the path under test.
 */

const NOW = new Date('2026-01-01T00:00:00.000Z');
const COLLECTION = 'prop_rows';
const TABLE = `c_${COLLECTION}`;

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect());
  await createRecordTable(test, wideDefinition(COLLECTION));
});
afterAll(() => test.close());

async function sqlOutcome(text: string, resolver: ReturnType<typeof recordResolver>): Promise<Outcome> {
  let where: ReturnType<typeof compileRule>;
  try {
    where = compileRule(text, resolver, test.dialect, { now: NOW });
  } catch (error) {
    if (isAppError(error) && error.code.startsWith('RULE_')) return { error: error.code as never };
    throw error;
  }
  const rows = await test.db.selectFrom(TABLE).select('id').where(where).execute();
  return { ids: rows.map((row) => row.id as string).sort() };
}

const sorted = (outcome: Outcome): Outcome => ('ids' in outcome ? { ids: [...outcome.ids].sort() } : outcome);

async function replaceRows(rows: ReadonlyArray<Record<string, string | number>>): Promise<void> {
  await test.db.deleteFrom(TABLE).execute();
  await insertRecords(test, wideDefinition(COLLECTION), rows);
}

describe('compiled SQL agrees with the reference model of the rule language', () => {
  it('on random schemas, records, requests and rules (including ill-typed ones)', async () => {
    const scenario = schemaArbitrary().chain((schema: Schema) =>
      fc.record({
        schema: fc.constant(schema),
        rows: rowsArbitrary(),
        request: requestArbitrary(),
        rules: fc.array(ruleTreeArbitrary(schema, { withErrors: true }), { minLength: 4, maxLength: 4 }),
      }),
    );
    let compared = 0;
    let selectedSome = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ schema, rows, request, rules }) => {
        await replaceRows(rows);
        const resolver = recordResolver({
          definition: wideDefinition(COLLECTION, schema),
          caller: { id: request.callerId, role: 'user' },
          body: request.body,
        });
        for (const rule of rules as RuleNode[]) {
          const text = printRule(rule);
          const expected = sorted(referenceOutcome(rule, schema, rows, request, NOW));
          expect(await sqlOutcome(text, resolver), text).toEqual(expected);
          compared++;
          if ('error' in expected) refused++;
          else if (expected.ids.length > 0 && expected.ids.length < rows.length) selectedSome++;
        }
      }),
      { numRuns: 100 },
    );
    expect(compared).toBe(400);
    // The property has teeth: many rules select some rows but not all, and some (not most) are
    // refused (typically ~90 and ~25 of the 400).
    expect(selectedSome).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(5);
    expect(refused).toBeLessThan(200);
  });

  it('on ~ and !~ with operands made of LIKE metacharacters (a ~ operand is never a wildcard)', async () => {
    const tiny = fc.string({ unit: fc.constantFrom('a', 'A', 'b', '%', '_', '\\'), maxLength: 5 });
    const scenario = fc.record({
      values: fc.array(tiny, { minLength: 4, maxLength: 8 }),
      operand: fc.string({ unit: fc.constantFrom('a', 'B', '%', '_', '\\'), minLength: 1, maxLength: 3 }),
      op: fc.constantFrom<'~' | '!~'>('~', '!~'),
    });
    const resolver = recordResolver({ definition: wideDefinition(COLLECTION, { s0: 'text' }) });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ values, operand, op }) => {
        const rows = values.map((s0, i) => ({ id: `r${i}`, s0 }));
        await replaceRows(rows);
        const text = printRule({
          kind: 'compare',
          op,
          left: { kind: 'field', path: ['s0'] },
          right: { kind: 'literal', value: operand },
        });
        const expected = rows.filter((row) => row.s0.toLowerCase().includes(operand.toLowerCase()) === (op === '~'));
        expect(await sqlOutcome(text, resolver), text).toEqual({ ids: expected.map((row) => row.id).sort() });
      }),
      { numRuns: 100 },
    );
  });
});
