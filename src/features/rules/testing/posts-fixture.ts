import type { Literal, ValueType } from '../resolver.js';
import { createTestResolver, createTestTable, type RuleTestDb, type TestResolverOptions } from './rule-test-db.js';

/**
 * A small blog for the golden tests: posts with every value type, an `author` relation to
 * authors and, two hops away, their team. p3 holds only zero values; p4's author is dangling.
 */

export const POST_FIELDS = {
  title: 'text',
  body: 'text',
  views: 'number',
  score: 'number',
  published: 'bool',
  pinned: 'bool',
  owner: 'text',
  created: 'date',
  data: 'json',
  author: 'text',
  secret: 'text',
} as const satisfies Record<string, ValueType>;

type Post = { id: string } & { [K in keyof typeof POST_FIELDS]?: string | number };

export const POSTS: readonly Post[] = [
  {
    id: 'p1',
    title: 'Hello World',
    body: '100% sure',
    views: 10,
    score: 1.5,
    published: 1,
    owner: 'u1',
    created: '2024-01-01T00:00:00.000Z',
    data: '{"k":1}',
    author: 'a1',
  },
  {
    id: 'p2',
    title: 'hello_there',
    body: 'back\\slash',
    views: 3,
    score: -2,
    owner: 'u2',
    created: '2030-01-01T00:00:00.000Z',
    data: '[]',
    author: 'a2',
  },
  { id: 'p3' },
  {
    id: 'p4',
    title: 'Zebra',
    body: 'it\'s "quoted"',
    views: 250,
    score: 0.1,
    published: 1,
    owner: 'u1',
    created: '2025-06-01T00:00:00.000Z',
    data: '"s"',
    author: 'a9',
  },
  {
    id: 'p5',
    title: 'apple',
    body: '50%_off',
    views: 10,
    pinned: 1,
    owner: 'u3',
    created: '2025-01-01T00:00:00.000Z',
    data: '{}',
    author: 'a1',
  },
];

const AUTHORS: Record<string, { name: string; team: string }> = {
  a1: { name: 'Ada', team: 't1' },
  a2: { name: 'Bob', team: '' },
};
const TEAMS: Record<string, { name: string }> = { t1: { name: 'Core' } };

export const ALL_POST_IDS = POSTS.map((p) => p.id);

/** The instant `@now` stands for in the golden tests. */
export const GOLDEN_NOW = new Date('2026-01-01T00:00:00.000Z');

export const REQUESTS = {
  user: { 'auth.id': 'u1', 'auth.role': 'user' },
  guest: { 'auth.id': '', 'auth.role': '' },
  admin: { 'auth.id': 'u9', 'auth.role': 'admin' },
} as const;

export type RequestName = keyof typeof REQUESTS;

export function postsResolverOptions(request: RequestName): TestResolverOptions {
  const auth = REQUESTS[request];
  return {
    table: 'posts',
    fields: POST_FIELDS,
    hidden: ['secret'],
    relations: {
      author: {
        column: 'author',
        table: 'authors',
        fields: { name: 'text', team: 'text' },
        relations: { team: { column: 'team', table: 'teams', fields: { name: 'text' } } },
      },
    },
    request: {
      'auth.id': { value: auth['auth.id'], type: 'text' },
      'auth.role': { value: auth['auth.role'], type: 'text' },
      'body.title': { value: 'hello', type: 'text' },
      'body.n': { value: 10, type: 'number' },
      'body.flag': { value: true, type: 'bool' },
      'body.empty': { value: null, type: 'text' },
    },
  };
}

export const postsResolver = (request: RequestName) => createTestResolver(postsResolverOptions(request));

/** Reads a post's field the way the evaluator expects: zero values for absent columns, null for empty relations. */
export function readPostField(post: Post, path: readonly string[]): Literal {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    const type = head === 'id' ? 'text' : POST_FIELDS[head as keyof typeof POST_FIELDS];
    const value = head === 'id' ? post.id : post[head as keyof typeof POST_FIELDS];
    return value ?? (type === 'number' || type === 'bool' ? 0 : type === 'json' ? 'null' : '');
  }
  const author = AUTHORS[post.author ?? ''];
  if (!author) return null;
  if (rest.length === 1) return author[rest[0] as 'name' | 'team'];
  return TEAMS[author.team]?.name ?? null;
}

export async function createPostsTables(test: RuleTestDb): Promise<void> {
  await createTestTable(test, 'posts', POST_FIELDS);
  await createTestTable(test, 'authors', { name: 'text', team: 'text' });
  await createTestTable(test, 'teams', { name: 'text' });
  const rows = POSTS.map((post) => ({
    id: post.id,
    ...Object.fromEntries(
      Object.keys(POST_FIELDS).map((name) => [name, readPostField(post, [name]) as string | number]),
    ),
  }));
  await test.db.insertInto('posts').values(rows).execute();
  await test.db
    .insertInto('authors')
    .values(Object.entries(AUTHORS).map(([id, a]) => ({ id, ...a })))
    .execute();
  await test.db
    .insertInto('teams')
    .values(Object.entries(TEAMS).map(([id, t]) => ({ id, ...t })))
    .execute();
}
