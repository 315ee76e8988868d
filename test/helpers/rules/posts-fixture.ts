import type { CollectionDefinition } from '../../../src/features/collections/collection-definition.js';
import type { FieldResolver } from '../../../src/features/rules/index.js';
import {
  createRecordTable,
  insertRecords,
  insertUsers,
  type RuleTestDb,
  recordResolver,
  type TestRow,
} from './rule-test-db.js';

/**
 * A small blog for the golden tests, as real collections: posts with every value type, an
 * `owner` relation to users, an `author` relation to a public collection and an `editor`
 * relation to a private one, a hidden and an encrypted field. p3 holds only zero values; p4's
 * author is dangling.
 */

const LOCKED = { list: null, view: null, create: null, update: null, delete: null };

export const AUTHORS: CollectionDefinition = {
  name: 'authors',
  fields: [
    { name: 'name', type: 'text' },
    { name: 'team', type: 'text' },
  ],
  rules: { ...LOCKED, view: '' },
};

export const EDITORS: CollectionDefinition = {
  name: 'editors',
  fields: [{ name: 'name', type: 'text' }],
  rules: LOCKED,
};

export const POSTS: CollectionDefinition = {
  name: 'posts',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'body', type: 'text' },
    { name: 'views', type: 'number' },
    { name: 'score', type: 'number' },
    { name: 'published', type: 'bool' },
    { name: 'pinned', type: 'bool' },
    { name: 'owner', type: 'relation', collection: 'users' },
    { name: 'data', type: 'json' },
    { name: 'author', type: 'relation', collection: 'authors' },
    { name: 'editor', type: 'relation', collection: 'editors' },
    { name: 'secret', type: 'text', hidden: true },
    { name: 'sealed', type: 'text', encrypted: true },
  ],
  rules: LOCKED,
};

const POST_ROWS: TestRow[] = [
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
    secret: 's1',
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
  { id: 'p3', created: '' },
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
    secret: 's1',
  },
];

export const ALL_POST_IDS = POST_ROWS.map((p) => p.id as string);

/** The instant `@now` stands for in the golden tests. */
export const GOLDEN_NOW = new Date('2026-01-01T00:00:00.000Z');

/** Who asks, and with which body (`@request.body.*`). */
export const REQUESTS = {
  user: { caller: { id: 'u1', role: 'user', email: 'u1@example.com', verified: true } },
  guest: { caller: {} },
  admin: { caller: { id: 'u9', role: 'admin', email: 'u9@example.com', verified: true } },
} as const;

export type RequestName = keyof typeof REQUESTS;

/** The body every golden request carries; fields it lacks read as their zero value. */
export const GOLDEN_BODY = { title: 'hello', views: 10, pinned: 1 } as const;

/** The production resolver for posts, as `request`, for rules (default) or client filters. */
export function postsResolver(request: RequestName, mode: 'rule' | 'filter' = 'rule'): FieldResolver {
  return recordResolver({
    definition: POSTS,
    related: [AUTHORS, EDITORS],
    mode,
    caller: REQUESTS[request].caller,
    body: GOLDEN_BODY,
  });
}

export async function createPostsTables(test: RuleTestDb): Promise<void> {
  for (const definition of [POSTS, AUTHORS, EDITORS]) await createRecordTable(test, definition);
  await insertUsers(test, [
    { id: 'u1', role: 'user', verified: true },
    { id: 'u2', role: 'admin', verified: false },
  ]);
  await insertRecords(test, POSTS, POST_ROWS);
  await insertRecords(test, AUTHORS, [
    { id: 'a1', name: 'Ada', team: 't1' },
    { id: 'a2', name: 'Bob', team: '' },
  ]);
  await insertRecords(test, EDITORS, [{ id: 'e1', name: 'Eve' }]);
}
