import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printRule } from '../../../test/helpers/rules/print-rule.js';
import {
  rowsArbitrary,
  ruleTreeArbitrary,
  type Schema,
  schemaArbitrary,
  textArbitrary,
  wideDefinition,
} from '../../../test/helpers/rules/rule-arbitraries.js';
import {
  createRecordTable,
  insertRecords,
  openRuleTestDb,
  type RuleTestDb,
} from '../../../test/helpers/rules/rule-test-db.js';
import { testDialect } from '../../../test/helpers/test-app.js';
import { isAppError } from '../../errors/index.js';
import type { CollectionDefinition } from './collection-definition.js';
import { createListStatements, type ListRequest, type ListStatements } from './list-statements.js';
import { type Caller, GUEST } from './record-resolver.js';

/**
 * Kept list statements against statements compiled afresh: for random rules, filters, sorts
 * and callers (guests, users with different ids, roles, emails and verification), the
 * statements a request gets from an entry another caller's request made are the SQL and
 * parameters compiling for it afresh gives, select the same records from this project's
 * database (each dialect in its own test project), and refuse the same rules.
 */

const COLLECTION = 'kept_rows';

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect());
  await createRecordTable(test, wideDefinition(COLLECTION));
});
afterAll(() => test.close());

const callerArbitrary: fc.Arbitrary<Caller> = fc.oneof(
  fc.constant(GUEST),
  fc.record({
    id: textArbitrary().filter((id) => id !== ''),
    role: fc.constantFrom<'user' | 'admin'>('user', 'admin'),
    email: textArbitrary(),
    verified: fc.boolean(),
  }),
);

/** Rule or filter text over `schema`: mostly a random tree (sometimes ill-typed), sometimes empty. */
function textOver(schema: Schema): fc.Arbitrary<string> {
  const tree = ruleTreeArbitrary(schema, { withErrors: true, withCallerFields: true }).map(printRule);
  return fc.oneof({ weight: 6, arbitrary: tree }, { weight: 1, arbitrary: fc.constant('') });
}

function sortOver(schema: Schema): fc.Arbitrary<string> {
  const key = fc.tuple(fc.constantFrom('', '-', '+'), fc.constantFrom(...Object.keys(schema), 'created', 'id'));
  return fc.array(key, { maxLength: 3 }).map((keys) => keys.map(([sign, name]) => sign + name).join(','));
}

/** One request of a scenario: who asks, when, and which page. */
const visitArbitrary = fc.record({
  caller: callerArbitrary,
  isAdmin: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  now: fc.date({ min: new Date('2019-06-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
  perPage: fc.integer({ min: 1, max: 5 }),
  page: fc.integer({ min: 1, max: 3 }),
});

type Visit = typeof visitArbitrary extends fc.Arbitrary<infer V> ? V : never;

type Attempt = { error: string } | { statements: ListStatements };

function attempt(build: () => ListStatements): Attempt {
  try {
    return { statements: build() };
  } catch (error) {
    if (isAppError(error) && error.code.startsWith('RULE_')) return { error: error.code };
    throw error;
  }
}

/** What a statement pair says to the database: its SQL and parameters (not Kysely's bookkeeping). */
function said(outcome: Attempt) {
  if ('error' in outcome) return outcome;
  const { count, list } = outcome.statements;
  return { count: [count.sql, count.parameters], list: [list.sql, list.parameters] };
}

async function selected(statements: ListStatements) {
  const count = await test.db.executeQuery(statements.count);
  const page = await test.db.executeQuery(statements.list);
  return { total: Number(count.rows[0]?.n), ids: page.rows.map((row) => row.id) };
}

describe('kept list statements agree with statements compiled afresh', () => {
  it('on random rules, filters, sorts and callers, one after another on the same entries', async () => {
    const lists = createListStatements({ db: test.db, dialect: test.dialect });
    const scenario = schemaArbitrary().chain((schema) =>
      fc.record({
        schema: fc.constant(schema),
        rows: rowsArbitrary(),
        rule: textOver(schema),
        filter: textOver(schema),
        sort: sortOver(schema),
        visits: fc.array(visitArbitrary, { minLength: 2, maxLength: 4 }),
      }),
    );
    let shared = 0;
    let keptApart = 0;
    let refused = 0;
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ schema, rows, rule, filter, sort, visits }) => {
        await test.db.deleteFrom(`c_${COLLECTION}`).execute();
        await insertRecords(test, wideDefinition(COLLECTION), rows);
        // A new definition object per scenario, as a changed definition is: its own entries.
        const definition: CollectionDefinition = {
          ...wideDefinition(COLLECTION, schema),
          rules: { list: rule, view: null, create: null, update: null, delete: null },
        };
        const requestOf = (visit: Visit): ListRequest => ({
          definition,
          relatedDefinition: (name) => (name === COLLECTION ? definition : undefined),
          filter,
          sort,
          ...visit,
        });
        const listIds = new Set<string>();
        for (const visit of visits) {
          const kept = attempt(() => lists.statementsFor(requestOf(visit)));
          const fresh = attempt(() => lists.compile(requestOf(visit)));
          expect(said(kept), `${rule} | ${filter} | ${sort}`).toEqual(said(fresh));
          if ('error' in kept || 'error' in fresh) {
            refused++;
            continue;
          }
          const result = await selected(kept.statements);
          expect(result).toEqual(await selected(fresh.statements));
          if (result.ids.length > 0) nonEmpty++;
          if (listIds.has(kept.statements.list.queryId.queryId)) shared++;
          else if (listIds.size > 0) keptApart++;
          listIds.add(kept.statements.list.queryId.queryId);
        }
      }),
      { numRuns: 150 },
    );
    // The property has teeth: many requests are served by an entry another caller's request
    // made, many callers decide the rule differently and get their own entry, some texts are
    // refused, and many pages hold records.
    expect(shared).toBeGreaterThan(50);
    expect(keptApart).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(5);
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('keeps at most maxKept shapes, dropping the least recently used first', () => {
    const lists = createListStatements({ db: test.db, dialect: test.dialect, maxKept: 2 });
    const definition: CollectionDefinition = {
      ...wideDefinition(COLLECTION),
      rules: { ...wideDefinition(COLLECTION).rules, list: '' },
    };
    const idOf = (filter: string) =>
      lists.statementsFor({
        definition,
        relatedDefinition: () => undefined,
        caller: GUEST,
        isAdmin: false,
        filter,
        sort: '',
        perPage: 10,
        page: 1,
        now: new Date(),
      }).list.queryId.queryId;
    const a = idOf('s0 = "a"');
    const b = idOf('s0 = "b"');
    expect(idOf('s0 = "a"')).toBe(a);
    idOf('s0 = "c"');
    // "b" was the least recently used of the two kept: compiled again; "a" is still kept.
    expect(idOf('s0 = "a"')).toBe(a);
    expect(idOf('s0 = "b"')).not.toBe(b);
  });
  it('a changed related collection is a new shape: the statement follows the related definition in force', () => {
    const lists = createListStatements({ db: test.db, dialect: test.dialect });
    const posts: CollectionDefinition = {
      name: 'posts',
      fields: [{ name: 'author', type: 'relation', collection: 'authors' }],
      rules: { list: '', view: '', create: null, update: null, delete: null },
    };
    // The same posts definition throughout; only its related collection changes (text to json:
    // the same family, so nothing is refused, but a json value's zero is the text `null`).
    const authorsWith = (type: 'text' | 'json'): CollectionDefinition => ({
      name: 'authors',
      fields: [{ name: 'bio', type }],
      rules: { list: '', view: '', create: null, update: null, delete: null },
    });
    const requestWith = (authors: CollectionDefinition): ListRequest => ({
      definition: posts,
      relatedDefinition: (name) => (name === 'authors' ? authors : name === 'posts' ? posts : undefined),
      caller: GUEST,
      isAdmin: false,
      filter: 'author.bio = null',
      sort: '',
      perPage: 10,
      page: 1,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const before = lists.statementsFor(requestWith(authorsWith('text')));
    const changed = requestWith(authorsWith('json'));
    const after = lists.statementsFor(changed);
    const fresh = lists.compile(changed);
    expect([after.list.sql, after.list.parameters]).toEqual([fresh.list.sql, fresh.list.parameters]);
    expect(after.list.sql).not.toBe(before.list.sql);
  });
});
