import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_POST_IDS,
  createPostsTables,
  GOLDEN_NOW,
  postsResolver,
  type RequestName,
} from '../../../test/helpers/rules/posts-fixture.js';
import { createCompileOnlyDb, openRuleTestDb, type RuleTestDb } from '../../../test/helpers/rules/rule-test-db.js';
import { testDialect } from '../../../test/helpers/test-app.js';
import { compileRule } from './index.js';

/**
 * Golden tests: rule text → the exact SQL and parameters on SQLite and on PostgreSQL, then the
 * rule run on this project's database against known rows. Fields are resolved by the production
 * record resolver (collections' own), over tables made by the production table migrator: fields
 * reach SQL only as schema references, every value is a parameter.
 */

interface Golden {
  rule: string;
  as?: RequestName;
  /** The WHERE clause on SQLite. */
  sqlite: string;
  /** The WHERE clause on PostgreSQL. */
  postgres: string;
  parameters: unknown[];
  ids: string[];
}

const T = (column: string) => `"c_posts"."${column}"`;
/** A relation path as the resolver writes it (zero when empty), wrapped again by the compiler. */
const RELATION = (subquery: string, zero: string) => `coalesce(COALESCE((${subquery}), ${zero}), '')`;
const AUTHOR = (column: string, zero: string) =>
  RELATION(
    `SELECT "rel_author"."${column}" FROM "c_authors" AS "rel_author" WHERE "rel_author"."id" = "c_posts"."author"`,
    zero,
  );
const OWNER = (column: string, zero: string, outerZero = "''") =>
  `coalesce(COALESCE((SELECT "rel_u"."${column}" FROM users AS rel_u WHERE rel_u.id = "c_posts"."owner"), ${zero}), ${outerZero})`;
const NUMBER = (n: number) => `cast($${n} as double precision)`;
/** `~` is a substring search: instr on SQLite, strpos on PostgreSQL; `!~` is its absence. */
const CONTAINS = (x: string, p: string, not = false) =>
  `${p === '?' ? 'instr' : 'strpos'}(lower(${x}), lower(${p})) ${not ? '= 0' : '> 0'}`;

const GOLDEN: Golden[] = [
  { rule: '', sqlite: '1 = 1', postgres: '1 = 1', parameters: [], ids: ALL_POST_IDS },
  {
    rule: 'title = "Hello World"',
    sqlite: `${T('title')} = ?`,
    postgres: `${T('title')} = $1`,
    parameters: ['Hello World'],
    ids: ['p1'],
  },
  {
    rule: "title != 'Hello World'",
    sqlite: `${T('title')} <> ?`,
    postgres: `${T('title')} <> $1`,
    parameters: ['Hello World'],
    ids: ['p2', 'p3', 'p4', 'p5'],
  },
  {
    rule: 'views > 5 && published = true',
    sqlite: `(${T('views')} > ? and ${T('published')} = ?)`,
    postgres: `(${T('views')} > ${NUMBER(1)} and ${T('published')} = $2)`,
    parameters: [5, 1],
    ids: ['p1', 'p4'],
  },
  {
    rule: 'views >= 10 || pinned = true && score < 0',
    sqlite: `(${T('views')} >= ? or (${T('pinned')} = ? and ${T('score')} < ?))`,
    postgres: `(${T('views')} >= ${NUMBER(1)} or (${T('pinned')} = $2 and ${T('score')} < ${NUMBER(3)}))`,
    parameters: [10, 1, 0],
    ids: ['p1', 'p4', 'p5'],
  },
  {
    rule: '(views >= 10 || pinned = true) && score < 1',
    sqlite: `((${T('views')} >= ? or ${T('pinned')} = ?) and ${T('score')} < ?)`,
    postgres: `((${T('views')} >= ${NUMBER(1)} or ${T('pinned')} = $2) and ${T('score')} < ${NUMBER(3)})`,
    parameters: [10, 1, 1],
    ids: ['p4', 'p5'],
  },
  {
    rule: 'score = -2',
    sqlite: `${T('score')} = ?`,
    postgres: `${T('score')} = ${NUMBER(1)}`,
    parameters: [-2],
    ids: ['p2'],
  },
  {
    rule: 'score >= 0.1 && score <= 1.5',
    sqlite: `(${T('score')} >= ? and ${T('score')} <= ?)`,
    postgres: `(${T('score')} >= ${NUMBER(1)} and ${T('score')} <= ${NUMBER(2)})`,
    parameters: [0.1, 1.5],
    ids: ['p1', 'p4'],
  },
  {
    rule: '0 = views',
    sqlite: `? = ${T('views')}`,
    postgres: `${NUMBER(1)} = ${T('views')}`,
    parameters: [0],
    ids: ['p3'],
  },
  // `~` is "contains", case-insensitive; %, _ and \ in the operand are plain characters, never wildcards.
  {
    rule: 'title ~ "hello"',
    sqlite: CONTAINS(T('title'), '?'),
    postgres: CONTAINS(T('title'), '$1'),
    parameters: ['hello'],
    ids: ['p1', 'p2'],
  },
  {
    rule: 'title !~ "HELLO"',
    sqlite: CONTAINS(T('title'), '?', true),
    postgres: CONTAINS(T('title'), '$1', true),
    parameters: ['HELLO'],
    ids: ['p3', 'p4', 'p5'],
  },
  {
    rule: 'body ~ "%"',
    sqlite: CONTAINS(T('body'), '?'),
    postgres: CONTAINS(T('body'), '$1'),
    parameters: ['%'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'body ~ "_"',
    sqlite: CONTAINS(T('body'), '?'),
    postgres: CONTAINS(T('body'), '$1'),
    parameters: ['_'],
    ids: ['p5'],
  },
  {
    rule: 'body ~ "\\\\"',
    sqlite: CONTAINS(T('body'), '?'),
    postgres: CONTAINS(T('body'), '$1'),
    parameters: ['\\'],
    ids: ['p2'],
  },
  {
    rule: 'body ~ \'"QUOTED"\'',
    sqlite: CONTAINS(T('body'), '?'),
    postgres: CONTAINS(T('body'), '$1'),
    parameters: ['"QUOTED"'],
    ids: ['p4'],
  },
  {
    rule: 'data ~ "k"',
    sqlite: CONTAINS(T('data'), '?'),
    postgres: CONTAINS(T('data'), '$1'),
    parameters: ['k'],
    ids: ['p1'],
  },
  // null is the zero value of the other side's type.
  { rule: 'title = null', sqlite: `${T('title')} = ?`, postgres: `${T('title')} = $1`, parameters: [''], ids: ['p3'] },
  {
    rule: 'views = null',
    sqlite: `${T('views')} = ?`,
    postgres: `${T('views')} = ${NUMBER(1)}`,
    parameters: [0],
    ids: ['p3'],
  },
  {
    rule: 'published = null',
    sqlite: `${T('published')} = ?`,
    postgres: `${T('published')} = $1`,
    parameters: [0],
    ids: ['p2', 'p3', 'p5'],
  },
  { rule: 'data = null', sqlite: `${T('data')} = ?`, postgres: `${T('data')} = $1`, parameters: ['null'], ids: ['p3'] },
  {
    rule: 'title = @request.body.body',
    sqlite: `${T('title')} = ?`,
    postgres: `${T('title')} = $1`,
    parameters: [''],
    ids: ['p3'],
  },
  // Text (and dates, stored as ISO text) order bytewise: "C" collation on PostgreSQL.
  {
    rule: 'created < @now',
    sqlite: `${T('created')} < ?`,
    postgres: `${T('created')} collate "C" < $1`,
    parameters: ['2026-01-01T00:00:00.000Z'],
    ids: ['p1', 'p3', 'p4', 'p5'],
  },
  {
    rule: 'created > "2024-06"',
    sqlite: `${T('created')} > ?`,
    postgres: `${T('created')} collate "C" > $1`,
    parameters: ['2024-06'],
    ids: ['p2', 'p4', 'p5'],
  },
  {
    rule: 'title < "a"',
    sqlite: `${T('title')} < ?`,
    postgres: `${T('title')} collate "C" < $1`,
    parameters: ['a'],
    ids: ['p1', 'p3', 'p4'],
  },
  {
    rule: '"b" > title',
    sqlite: `? > ${T('title')}`,
    postgres: `$1 > ${T('title')} collate "C"`,
    parameters: ['b'],
    ids: ['p1', 'p3', 'p4', 'p5'],
  },
  {
    rule: 'title = body',
    sqlite: `${T('title')} = ${T('body')}`,
    postgres: `${T('title')} = ${T('body')}`,
    parameters: [],
    ids: ['p3'],
  },
  {
    rule: 'views > score',
    sqlite: `${T('views')} > ${T('score')}`,
    postgres: `${T('views')} > ${T('score')}`,
    parameters: [],
    ids: ['p1', 'p2', 'p4', 'p5'],
  },
  {
    rule: 'title >= owner',
    sqlite: `${T('title')} >= ${T('owner')}`,
    postgres: `${T('title')} collate "C" >= ${T('owner')} collate "C"`,
    parameters: [],
    ids: ['p3'],
  },
  // @request values are parameters; decided comparisons fold away.
  {
    rule: 'owner = @request.auth.id',
    sqlite: `${T('owner')} = ?`,
    postgres: `${T('owner')} = $1`,
    parameters: ['u1'],
    ids: ['p1', 'p4'],
  },
  {
    rule: '@request.auth.id != "" && owner = @request.auth.id',
    sqlite: `${T('owner')} = ?`,
    postgres: `${T('owner')} = $1`,
    parameters: ['u1'],
    ids: ['p1', 'p4'],
  },
  {
    rule: '@request.auth.id != "" && owner = @request.auth.id',
    as: 'guest',
    sqlite: '1 = 0',
    postgres: '1 = 0',
    parameters: [],
    ids: [],
  },
  {
    rule: '@request.auth.id != "" && (owner = @request.auth.id || @request.auth.role = "admin")',
    sqlite: `${T('owner')} = ?`,
    postgres: `${T('owner')} = $1`,
    parameters: ['u1'],
    ids: ['p1', 'p4'],
  },
  {
    rule: '@request.auth.id != "" && (owner = @request.auth.id || @request.auth.role = "admin")',
    as: 'admin',
    sqlite: '1 = 1',
    postgres: '1 = 1',
    parameters: [],
    ids: ALL_POST_IDS,
  },
  {
    rule: 'title ~ @request.body.title',
    sqlite: CONTAINS(T('title'), '?'),
    postgres: CONTAINS(T('title'), '$1'),
    parameters: ['hello'],
    ids: ['p1', 'p2'],
  },
  {
    rule: 'views = @request.body.views',
    sqlite: `${T('views')} = ?`,
    postgres: `${T('views')} = ${NUMBER(1)}`,
    parameters: [10],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'pinned = @request.body.pinned',
    sqlite: `${T('pinned')} = ?`,
    postgres: `${T('pinned')} = $1`,
    parameters: [1],
    ids: ['p5'],
  },
  { rule: '"a" = "a"', sqlite: '1 = 1', postgres: '1 = 1', parameters: [], ids: ALL_POST_IDS },
  { rule: '1 > 2 || 2 < 1', sqlite: '1 = 0', postgres: '1 = 0', parameters: [], ids: [] },
  {
    rule: '"x" ~ "X" && title = "apple"',
    sqlite: `${T('title')} = ?`,
    postgres: `${T('title')} = $1`,
    parameters: ['apple'],
    ids: ['p5'],
  },
  { rule: '@now > "2025" || title = "x"', sqlite: '1 = 1', postgres: '1 = 1', parameters: [], ids: ALL_POST_IDS },
  // Relation paths: the resolver's correlated subquery, zero when the relation is empty or dangling.
  {
    rule: 'author.name = "Ada"',
    sqlite: `${AUTHOR('name', '?')} = ?`,
    postgres: `${AUTHOR('name', '$1')} = $2`,
    parameters: ['', 'Ada'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'author.name = null',
    sqlite: `${AUTHOR('name', '?')} = ?`,
    postgres: `${AUTHOR('name', '$1')} = $2`,
    parameters: ['', ''],
    ids: ['p3', 'p4'],
  },
  {
    rule: 'author.name < "B"',
    sqlite: `${AUTHOR('name', '?')} < ?`,
    postgres: `${AUTHOR('name', '$1')} collate "C" < $2`,
    parameters: ['', 'B'],
    ids: ['p1', 'p3', 'p4', 'p5'],
  },
  {
    rule: 'author.team ~ "T1"',
    sqlite: CONTAINS(AUTHOR('team', '?'), '?'),
    postgres: CONTAINS(AUTHOR('team', '$1'), '$2'),
    parameters: ['', 'T1'],
    ids: ['p1', 'p5'],
  },
  // A relation to users reaches id, role and verified; a dangling id (p5's u3) reads as empty.
  {
    rule: 'owner.role = "admin"',
    sqlite: `${OWNER('role', '?')} = ?`,
    postgres: `${OWNER('role', '$1')} = $2`,
    parameters: ['', 'admin'],
    ids: ['p2'],
  },
  {
    rule: 'owner.verified = true',
    sqlite: `${OWNER('verified', '?', '0')} = ?`,
    postgres: `${OWNER('verified', '$1', '0')} = $2`,
    parameters: [0, 1],
    ids: ['p1', 'p4'],
  },
  {
    rule: 'owner.id = ""',
    sqlite: `${OWNER('id', '?')} = ?`,
    postgres: `${OWNER('id', '$1')} = $2`,
    parameters: ['', ''],
    ids: ['p3', 'p5'],
  },
  // Rules (not client filters) may read hidden fields.
  {
    rule: 'secret = "s1"',
    sqlite: `${T('secret')} = ?`,
    postgres: `${T('secret')} = $1`,
    parameters: ['s1'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'published = true && (views > 100 || title ~ "ell")',
    sqlite: `(${T('published')} = ? and (${T('views')} > ? or ${CONTAINS(T('title'), '?')}))`,
    postgres: `(${T('published')} = $1 and (${T('views')} > ${NUMBER(2)} or ${CONTAINS(T('title'), '$3')}))`,
    parameters: [1, 100, 'ell'],
    ids: ['p1', 'p4'],
  },
];

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect());
  await createPostsTables(test);
});
afterAll(() => test.close());

const compileFor = (dialect: 'sqlite' | 'postgres', golden: Golden) =>
  createCompileOnlyDb(dialect)
    .selectFrom('c_posts')
    .select('id')
    .where(compileRule(golden.rule, postsResolver(golden.as ?? 'user'), dialect, { now: GOLDEN_NOW }))
    .compile();

describe('rule compiler golden SQL, executed', () => {
  it.each(GOLDEN.map((golden) => [golden.as ? `${golden.rule} (as ${golden.as})` : golden.rule || '""', golden]))(
    '%s',
    async (_name, golden) => {
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const compiled = compileFor(dialect, golden);
        expect({ sql: compiled.sql, parameters: compiled.parameters }).toEqual({
          sql: `select "id" from "c_posts" where ${golden[dialect]}`,
          parameters: golden.parameters,
        });
      }
      const rows = await test.db
        .selectFrom('c_posts')
        .select('id')
        .where(compileRule(golden.rule, postsResolver(golden.as ?? 'user'), test.dialect, { now: GOLDEN_NOW }))
        .orderBy('id')
        .execute();
      expect(rows.map((row) => row.id)).toEqual(golden.ids);
    },
  );
});
