import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostsTables, postsResolver } from '../../../test/helpers/rules/posts-fixture.js';
import { createCompileOnlyDb, openRuleTestDb, type RuleTestDb } from '../../../test/helpers/rules/rule-test-db.js';
import { testDialect } from '../../../test/helpers/test-app.js';
import { isAppError } from '../../errors/index.js';
import { compileSort, MAX_SORT_KEYS } from './index.js';

/**
 * `sort=` golden SQL on both dialects, executed against the posts fixture, and its refusals.
 * Sorts come from clients, so the production resolver runs in filter mode.
 */

const T = (column: string) => `"c_posts"."${column}"`;
const AUTHOR_NAME = (zero: string) =>
  `coalesce(COALESCE((SELECT "rel_author"."name" FROM "c_authors" AS "rel_author" WHERE "rel_author"."id" = "c_posts"."author"), ${zero}), '')`;
const resolver = postsResolver('user', 'filter');

const GOLDEN: Array<{ sort: string; sqlite: string; postgres: string; parameters?: unknown[]; ids: string[] }> = [
  { sort: '', sqlite: '', postgres: '', ids: ['p1', 'p2', 'p3', 'p4', 'p5'] },
  {
    sort: '-views,title',
    sqlite: ` order by ${T('views')} desc, ${T('title')} asc`,
    postgres: ` order by ${T('views')} desc, ${T('title')} collate "C" asc`,
    ids: ['p4', 'p1', 'p5', 'p2', 'p3'],
  },
  // Bytewise: '' < 'H…' < 'Z…' < 'a…' < 'h…' on both engines.
  {
    sort: 'title',
    sqlite: ` order by ${T('title')} asc`,
    postgres: ` order by ${T('title')} collate "C" asc`,
    ids: ['p3', 'p1', 'p4', 'p5', 'p2'],
  },
  {
    sort: '+author.name,-id',
    sqlite: ` order by ${AUTHOR_NAME('?')} asc, ${T('id')} desc`,
    postgres: ` order by ${AUTHOR_NAME('$1')} collate "C" asc, ${T('id')} collate "C" desc`,
    parameters: [''],
    ids: ['p4', 'p3', 'p5', 'p1', 'p2'],
  },
  {
    sort: ' -published , score ,id',
    sqlite: ` order by ${T('published')} desc, ${T('score')} asc, ${T('id')} asc`,
    postgres: ` order by ${T('published')} desc, ${T('score')} asc, ${T('id')} collate "C" asc`,
    ids: ['p4', 'p1', 'p2', 'p3', 'p5'],
  },
];

let test: RuleTestDb;
beforeAll(async () => {
  test = await openRuleTestDb(testDialect());
  await createPostsTables(test);
});
afterAll(() => test.close());

describe('sort compiler golden SQL, executed', () => {
  it.each(GOLDEN.map((golden) => [golden.sort || '""', golden]))('%s', async (_name, golden) => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      let query = createCompileOnlyDb(dialect).selectFrom('c_posts').select('id');
      for (const [expression, direction] of compileSort(golden.sort, resolver, dialect))
        query = query.orderBy(expression, direction);
      expect(query.compile()).toMatchObject({
        sql: `select "id" from "c_posts"${golden[dialect]}`,
        parameters: golden.parameters ?? [],
      });
    }
    let query = test.db.selectFrom('c_posts').select('id');
    for (const [expression, direction] of compileSort(golden.sort, resolver, test.dialect))
      query = query.orderBy(expression, direction);
    if (golden.sort === '') query = query.orderBy('id');
    expect((await query.execute()).map((row) => row.id)).toEqual(golden.ids);
  });
});

describe('sort refusals are 400s naming the position', () => {
  const failureOf = (sort: string) => {
    try {
      compileSort(sort, resolver, 'sqlite');
      return 'no error';
    } catch (error) {
      if (!isAppError(error)) throw error;
      return `${error.status} ${error.code}: ${error.detail}`;
    }
  };

  it.each([
    ['title,,views', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 7'],
    ['title,', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 7'],
    ['--views', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 1'],
    ['title desc', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 1'],
    ['-@now', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 1'],
    ['views, "title"', '400 RULE_SYNTAX: expected a field name, optionally prefixed with - or + at character 8'],
    ['title, nope', '400 RULE_UNKNOWN_FIELD: unknown field "nope" at character 8'],
    [
      '-secret',
      '400 RULE_FIELD_NOT_FILTERABLE: The field "secret" cannot be used in filters or sorting at character 1',
    ],
    ['sealed', '400 RULE_FIELD_NOT_FILTERABLE: The field "sealed" cannot be used in filters or sorting at character 1'],
    [
      'owner.role',
      '400 RULE_FIELD_NOT_FILTERABLE: The relation "owner.role" cannot be used in filters or sorting at character 1',
    ],
    [
      'editor.name',
      '400 RULE_FIELD_NOT_FILTERABLE: The relation "editor.name" cannot be used in filters or sorting at character 1',
    ],
    ['author.constructor', '400 RULE_UNKNOWN_FIELD: unknown field "author.constructor" at character 1'],
    [
      'author.team.name',
      '400 RULE_TOO_DEEP: field path "author.team.name" has more than 1 relation hop at character 1',
    ],
    [
      Array(MAX_SORT_KEYS + 1)
        .fill('id')
        .join(','),
      '400 RULE_TOO_MANY_TERMS: more than 8 sort keys at character 25',
    ],
    ['x'.repeat(3000), '400 RULE_TOO_LONG: sort longer than 2048 characters at character 2049'],
  ])('%j', (sort, expected) => {
    expect(failureOf(sort)).toBe(expected);
  });

  it('accepts exactly the maximum number of keys', () => {
    expect(compileSort(Array(MAX_SORT_KEYS).fill('id').join(','), resolver, 'sqlite')).toHaveLength(MAX_SORT_KEYS);
  });
});
