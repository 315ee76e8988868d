import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, testDialect } from '../../../test/helpers/test-app.js';
import { compileRule, evaluateRule } from './index.js';
import {
  ALL_POST_IDS,
  createPostsTables,
  GOLDEN_NOW,
  POSTS,
  postsResolver,
  type RequestName,
  readPostField,
} from './testing/posts-fixture.js';
import { createCompileOnlyDb, openRuleTestDb, type RuleTestDb } from './testing/rule-test-db.js';

/**
 * Golden tests: rule text → the exact SQL and parameters on SQLite and on PostgreSQL, then the
 * rule run on this project's database against known rows, and the in-memory evaluator held to
 * the same ids. Fields reach SQL only as the resolver's references; every value is a parameter.
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

const T = (column: string) => `"posts"."${column}"`;
const AUTHOR_NAME = `coalesce((select "r0_authors"."name" from "authors" as "r0_authors" where "r0_authors"."id" = "posts"."author"), '')`;
const TEAM_NAME = `coalesce((select (select "r1_teams"."name" from "teams" as "r1_teams" where "r1_teams"."id" = "r0_authors"."team") from "authors" as "r0_authors" where "r0_authors"."id" = "posts"."author"), '')`;
const NUMBER = (n: number) => `cast($${n} as double precision)`;
const LIKE = (x: string, p: string, not = '') => `lower(${x}) ${not}like lower(${p}) escape '\\'`;

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
  // `~` is "contains", case-insensitive; %, _ and \ in the operand are escaped, never wildcards.
  {
    rule: 'title ~ "hello"',
    sqlite: LIKE(T('title'), '?'),
    postgres: LIKE(T('title'), '$1'),
    parameters: ['%hello%'],
    ids: ['p1', 'p2'],
  },
  {
    rule: 'title !~ "HELLO"',
    sqlite: LIKE(T('title'), '?', 'not '),
    postgres: LIKE(T('title'), '$1', 'not '),
    parameters: ['%HELLO%'],
    ids: ['p3', 'p4', 'p5'],
  },
  {
    rule: 'body ~ "%"',
    sqlite: LIKE(T('body'), '?'),
    postgres: LIKE(T('body'), '$1'),
    parameters: ['%\\%%'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'body ~ "_"',
    sqlite: LIKE(T('body'), '?'),
    postgres: LIKE(T('body'), '$1'),
    parameters: ['%\\_%'],
    ids: ['p5'],
  },
  {
    rule: 'body ~ "\\\\"',
    sqlite: LIKE(T('body'), '?'),
    postgres: LIKE(T('body'), '$1'),
    parameters: ['%\\\\%'],
    ids: ['p2'],
  },
  {
    rule: 'body ~ \'"QUOTED"\'',
    sqlite: LIKE(T('body'), '?'),
    postgres: LIKE(T('body'), '$1'),
    parameters: ['%"QUOTED"%'],
    ids: ['p4'],
  },
  {
    rule: 'data ~ "k"',
    sqlite: LIKE(T('data'), '?'),
    postgres: LIKE(T('data'), '$1'),
    parameters: ['%k%'],
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
    rule: 'title = @request.body.empty',
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
    sqlite: LIKE(T('title'), '?'),
    postgres: LIKE(T('title'), '$1'),
    parameters: ['%hello%'],
    ids: ['p1', 'p2'],
  },
  {
    rule: 'views = @request.body.n',
    sqlite: `${T('views')} = ?`,
    postgres: `${T('views')} = ${NUMBER(1)}`,
    parameters: [10],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'pinned = @request.body.flag',
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
    sqlite: `${AUTHOR_NAME} = ?`,
    postgres: `${AUTHOR_NAME} = $1`,
    parameters: ['Ada'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'author.name = null',
    sqlite: `${AUTHOR_NAME} = ?`,
    postgres: `${AUTHOR_NAME} = $1`,
    parameters: [''],
    ids: ['p3', 'p4'],
  },
  {
    rule: 'author.name < "B"',
    sqlite: `${AUTHOR_NAME} < ?`,
    postgres: `${AUTHOR_NAME} collate "C" < $1`,
    parameters: ['B'],
    ids: ['p1', 'p3', 'p4', 'p5'],
  },
  {
    rule: 'author.team.name ~ "core"',
    sqlite: LIKE(TEAM_NAME, '?'),
    postgres: LIKE(TEAM_NAME, '$1'),
    parameters: ['%core%'],
    ids: ['p1', 'p5'],
  },
  {
    rule: 'published = true && (views > 100 || title ~ "ell")',
    sqlite: `(${T('published')} = ? and (${T('views')} > ? or ${LIKE(T('title'), '?')}))`,
    postgres: `(${T('published')} = $1 and (${T('views')} > ${NUMBER(2)} or ${LIKE(T('title'), '$3')}))`,
    parameters: [1, 100, '%ell%'],
    ids: ['p1', 'p4'],
  },
];

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect(), createSchema);
  await createPostsTables(test);
});
afterAll(() => test.close());

const compileFor = (dialect: 'sqlite' | 'postgres', golden: Golden) =>
  createCompileOnlyDb(dialect)
    .selectFrom('posts')
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
          sql: `select "id" from "posts" where ${golden[dialect]}`,
          parameters: golden.parameters,
        });
      }
      const resolver = postsResolver(golden.as ?? 'user');
      const rows = await test.db
        .selectFrom('posts')
        .select('id')
        .where(compileRule(golden.rule, resolver, test.dialect, { now: GOLDEN_NOW }))
        .orderBy('id')
        .execute();
      expect(rows.map((row) => row.id)).toEqual(golden.ids);
      const evaluated = POSTS.filter((post) =>
        evaluateRule(golden.rule, resolver, (path) => readPostField(post, path), { now: GOLDEN_NOW }),
      );
      expect(evaluated.map((post) => post.id)).toEqual(golden.ids);
    },
  );
});
