import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printRule } from '../../../test/helpers/rules/print-rule.js';
import { wideDefinition } from '../../../test/helpers/rules/rule-arbitraries.js';
import {
  createRecordTable,
  insertRecords,
  openRuleTestDb,
  type RuleTestDb,
  recordResolver,
} from '../../../test/helpers/rules/rule-test-db.js';
import { testDialect } from '../../../test/helpers/test-app.js';
import { isAppError } from '../../errors/index.js';
import { type CompareOperator, compileRule, compileSort } from './index.js';

/**
 * Random and hostile filter and sort text (CWE-89 injection, CWE-400 resource exhaustion,
 * CWE-248 uncaught exceptions), through the production record resolver: compiling either
 * succeeds or throws a RULE_* 400 — never anything else; a compiled query consists only of
 * schema identifiers, fixed operators and parameter markers, so no input text reaches SQL; it
 * runs without a database error; and the table is intact afterwards.
 */

const DEFINITION = wideDefinition('hostile_rows');
const TABLE = 'c_hostile_rows';
const INJECTION = `'; DROP TABLE ${TABLE}; --`;
const resolver = recordResolver({
  definition: DEFINITION,
  mode: 'filter',
  caller: { id: INJECTION, role: 'user' },
  body: { n0: 1, b0: 1, s0: INJECTION },
});

const COLUMN = `"${TABLE}"\\."(?:s0|s1|s2|n0|n1|b0|b1|id|created|updated)"`;
/** Everything compiled SQL may contain after the WHERE / ORDER BY; anything else came from input. */
const SQL_VOCABULARY = new RegExp(
  [
    COLUMN,
    'cast\\(\\$\\d+ as double precision\\)',
    '\\$\\d+',
    '\\?',
    'collate "C"',
    '\\b(?:lower|instr|strpos|and|or|asc|desc)\\b',
    '<>|<=|>=|[=<>(),]',
    '\\b[01]\\b',
  ].join('|'),
  'g',
);

const TOKENS = [
  's0',
  'n0',
  'b1',
  's9',
  'author.x',
  'a.b.c.d',
  '@request.auth.id',
  '@request.body.n0',
  '@request.body.b0',
  '@request.body.s0',
  '@request.body.s0:isset',
  '@request.nope.x',
  '@now',
  '@x',
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  '~',
  '!~',
  '&&',
  '||',
  '(',
  ')',
  '"a"',
  "'b'",
  '"%_\\\\"',
  '1',
  '-2.5',
  'true',
  'false',
  'null',
  `"${INJECTION}"`,
  "')) OR 1=1 --",
  '\\',
  '"',
  "'",
  ';',
  '--',
  '/*',
];

const HOSTILE = [
  INJECTION,
  '") OR 1=1 --',
  `s0 = "x" OR 1=1`,
  `s0 = "x"; DROP TABLE ${TABLE}`,
  `s0 = 'a' || 1=1`,
  `s0 = "a\\" OR 1=1 --"`,
  `s0 = "${INJECTION}"`,
  `s0 ~ "%' OR '1'='1"`,
  `s0 = @request.auth.id`,
  `s0 ~ @request.auth.id`,
  `n0 = 1 UNION SELECT * FROM ${TABLE}`,
  `s0 = "x" /* comment */`,
  '('.repeat(10_000),
  `${'('.repeat(16)}s0 = "a"${')'.repeat(16)}`,
  `${'('.repeat(17)}s0 = "a"${')'.repeat(17)}`,
  'x'.repeat(100_000),
  `s0 = "${'a'.repeat(100_000)}"`,
  `s0 = "a" && `.repeat(40),
  's0 = "\u0000"',
  's0 = "\ud800"',
  `n0 = ${'9'.repeat(300)}`,
  `n0 = 1e999`,
  's0 = "\u202e"',
  'constructor = 1',
  '__proto__.x = 1',
  'toString = "x"',
  'toString.x = "x"',
  '@request.constructor = 1',
  '@request.__proto__.x = 1',
  's0.constructor = ""',
  'hasOwnProperty = ""',
  '@request.auth.constructor = ""',
  '@request.body.constructor = ""',
  '@request.body.__proto__ = ""',
  '@request.body.toString:isset = true',
];

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect());
  await createRecordTable(test, DEFINITION);
  await insertRecords(test, DEFINITION, [{ id: 'r1', s0: 'a', n0: 1, b0: 1 }]);
});
afterAll(() => test.close());

/** Compiles and runs `text` as a filter; returns the SQL, or the RULE_* code it was refused with. */
async function tryFilter(text: string): Promise<string> {
  let where: ReturnType<typeof compileRule>;
  try {
    where = compileRule(text, resolver, test.dialect);
  } catch (error) {
    return refusal(error);
  }
  const query = test.db.selectFrom(TABLE).select('id').where(where);
  await query.execute();
  return query.compile().sql;
}

async function trySort(text: string): Promise<string> {
  let keys: ReturnType<typeof compileSort>;
  try {
    keys = compileSort(text, resolver, test.dialect);
  } catch (error) {
    return refusal(error);
  }
  let query = test.db.selectFrom(TABLE).select('id');
  for (const [expression, direction] of keys) query = query.orderBy(expression, direction);
  await query.execute();
  return query.compile().sql;
}

function refusal(error: unknown): string {
  if (!isAppError(error) || !error.code.startsWith('RULE_') || error.status !== 400) throw error;
  return error.code;
}

/** The SQL with its fixed prefix and every allowed token removed: what is left came from input. */
function leftover(compiled: string, prefix: string): string {
  expect(compiled.startsWith(prefix)).toBe(true);
  return compiled.slice(prefix.length).replace(SQL_VOCABULARY, ' ').trim();
}

const FILTER_PREFIX = `select "id" from "${TABLE}" where `;
const SORT_PREFIX = `select "id" from "${TABLE}"`;

async function checkFilter(text: string): Promise<void> {
  const result = await tryFilter(text);
  if (!result.startsWith('select')) return;
  expect(leftover(result, FILTER_PREFIX), text).toBe('');
}

async function checkSort(text: string): Promise<void> {
  const result = await trySort(text);
  if (!result.startsWith('select')) return;
  expect(leftover(result.replace(' order by ', ' '), SORT_PREFIX), text).toBe('');
}

const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 50 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((tokens) => tokens.join(' ')),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((tokens) => tokens.join('')),
);

describe('hostile filter and sort text', () => {
  it.each(HOSTILE.map((text) => [text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text, text]))(
    'filter %j is refused with a RULE_* 400 or compiled to parameters only',
    async (_name, text) => {
      await checkFilter(text);
    },
  );

  it('the known injection strings are refused, not run', async () => {
    expect(await tryFilter(INJECTION)).toBe('RULE_SYNTAX');
    expect(await tryFilter('") OR 1=1 --')).toBe('RULE_SYNTAX');
    expect(await tryFilter(`s0 = "x" OR 1=1`)).toBe('RULE_SYNTAX');
    expect(await tryFilter('('.repeat(10_000))).toBe('RULE_TOO_LONG');
    expect(await tryFilter('('.repeat(2000))).toBe('RULE_TOO_DEEP');
    expect(await trySort(`s0; DROP TABLE ${TABLE}`)).toBe('RULE_SYNTAX');
  });

  it('random text as a filter: a RULE_* 400 or a parameters-only query that runs', async () => {
    await fc.assert(fc.asyncProperty(anyText, checkFilter), { numRuns: 500 });
  });

  it('valid filters carrying hostile literals compile to parameters only, and run', async () => {
    const literal = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(INJECTION, '") OR 1=1 --', "' OR '1'='1", '%', '_', '\\', '"', "'", '$1', '?', '\u0000'),
    );
    const term = fc.tuple(
      fc.constantFrom('s0', 's1', 's2'),
      fc.constantFrom<CompareOperator>('=', '!=', '<', '>=', '~', '!~'),
      literal,
    );
    const filter = fc.array(term, { minLength: 1, maxLength: 5 }).map((terms) =>
      terms
        .map(([field, op, value]) =>
          printRule({
            kind: 'compare',
            op,
            left: { kind: 'field', path: [field] },
            right: { kind: 'literal', value },
          }),
        )
        .join(' || '),
    );
    let compiled = 0;
    await fc.assert(
      fc.asyncProperty(filter, async (text) => {
        if ((await tryFilter(text)).startsWith('select')) compiled++;
        await checkFilter(text);
      }),
      { numRuns: 200 },
    );
    // Most of them are valid (lone surrogates and NUL are refused): the check above had teeth.
    expect(compiled).toBeGreaterThan(100);
  });

  it('random text as a sort: a RULE_* 400 or identifiers-only ORDER BY that runs', async () => {
    const sortText = fc.oneof(
      anyText,
      fc
        .array(
          fc.constantFrom('s0', '-n0', '+b1', ' s1 ', 'id', '-', '', 's9', 'a.b', '@now', 'constructor', INJECTION),
          {
            maxLength: 12,
          },
        )
        .map((keys) => keys.join(',')),
    );
    await fc.assert(fc.asyncProperty(sortText, checkSort), { numRuns: 300 });
  });

  afterAll(async () => {
    // The table is still there, with its row.
    const rows = await sql<{ id: string }>`select id from ${sql.table(TABLE)}`.execute(test.db);
    expect(rows.rows.map((row) => row.id)).toEqual(['r1']);
  });
});
