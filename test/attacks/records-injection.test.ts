import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  rawRows,
  recordsApi,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/** Hostile input may be refused (400) or find nothing (404), never crash (500) or leak. */
function expectRefused(response: LightMyRequestResponse, allowed: number[] = [400, 404]): void {
  expect(allowed, `${response.statusCode} ${response.body}`).toContain(response.statusCode);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** Filters that are not valid expressions (or reach what filters may not): always 400. */
const MALFORMED_FILTERS: Array<[string, string]> = [
  ['a closing parenthesis', '"a" = "a") OR (1=1'],
  ['SQL keywords', 'title = "x" OR 1=1'],
  ['a comment', 'title = "x" -- '],
  ['a semicolon', 'title = "x"; DELETE FROM users'],
  ['an unterminated string', 'title = "x'],
  ['unbalanced parentheses', '((title = "x")'],
  ['a lone operator', '='],
  ['a function call', 'title = lower("X")'],
  ['a subquery', 'title = (SELECT password_hash FROM users)'],
  ['a 3000-character filter', `title = "${'a'.repeat(3000)}"`],
  ['a 2000-character filter', `${'title = "a" || '.repeat(120)}title = "b"`],
  ['200 levels of parentheses', `${'('.repeat(200)}title = "x"${')'.repeat(200)}`],
  ['a NUL byte', 'title = "\u0000"'],
  ['an unknown field', 'password_hash != ""'],
  ['a relation to a users column not exposed', 'owner.password_hash != ""'],
  ['a relation path too deep', 'owner.id.id.id = "x"'],
  ['an unknown request value', '@request.headers.x = "y"'],
];

/** Valid expressions built to widen the result or break out of a value: they only ever narrow. */
const WIDENING_FILTERS: Array<[string, string]> = [
  ['an OR that is always true', 'title = "x" || 1=1'],
  ['a quote breaking out of a string', `title = "'; DROP TABLE c_notes; --"`],
  ['an escaped quote', 'title = "\\" || owner != "'],
  ['a request value that is always empty', 'owner = @request.body.owner || @request.auth.id = ""'],
  ['an SQL tautology inside a value', `title ~ "' OR '1'='1"`],
  ['a LIKE wildcard storm', `title ~ "${'%_'.repeat(200)}"`],
  ['a comparison with the owner of another record', 'owner != @request.auth.id'],
];

const HOSTILE_SORTS = [
  'title; DROP TABLE users',
  '-(select 1)',
  'title DESC',
  'title,,',
  'owner.password_hash',
  '1',
  '@request.auth.id',
  `${'title,'.repeat(20)}title`,
  'title COLLATE nocase',
];

describe('injection through the records API', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  let aliceRecord: string;
  const api = () => recordsApi(app, 'notes');

  /** Bob may list only his own notes: any of Alice's showing up is a leak. */
  const expectNoLeak = (response: LightMyRequestResponse) => {
    expect(response.body).not.toContain(aliceRecord);
    expect(response.body).not.toContain('alice secret');
    expect(response.body).not.toContain(alice.id);
  };

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
    const own = 'owner = @request.auth.id';
    await createCollection(app, admin, {
      name: 'notes',
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: own, view: own, create: own, update: own, delete: own },
    });
    aliceRecord = (await createRecord(app, 'notes', alice.headers, { owner: alice.id, title: 'alice secret' })).id;
    await createRecord(app, 'notes', bob.headers, { owner: bob.id, title: 'bob note' });
  });

  it.each(MALFORMED_FILTERS)('filter with %s: 400, never a 500 or a leak', async (_name, filter) => {
    const response = await api().list(bob.headers, { filter });
    expectRefused(response, [400]);
    // A NUL is refused at the edge, before the filter parser (HTTP_NUL_CHARACTER).
    expect(response.json().code).toMatch(/^(RULE_|HTTP_VALIDATION|HTTP_NUL_CHARACTER)/);
    expectNoLeak(response);
  });

  it.each(WIDENING_FILTERS)("filter with %s: at most the caller's own records", async (_name, filter) => {
    const response = await api().list(bob.headers, { filter });
    if (response.statusCode !== 200) expectRefused(response, [400]);
    else for (const item of response.json().items) expect(item.owner).toBe(bob.id);
    expectNoLeak(response);
  });

  it.each(HOSTILE_SORTS)('sort %j: 400, never a 500 or a leak', async (sort) => {
    const response = await api().list(bob.headers, { sort });
    expectRefused(response, [400]);
    expectNoLeak(response);
  });

  it.each([
    ["' OR '1'='1", [400, 404]],
    ['../../etc/passwd', [400, 404]],
    ['..%2F..%2Fetc%2Fpasswd', [400, 404]],
    ['x'.repeat(70), [400, 404]],
    ['%00', [400, 404]],
    ['1; DROP TABLE c_notes', [400, 404]],
  ] as Array<[string, number[]]>)('record id %j: 400 or 404 on view, update and delete', async (id, allowed) => {
    for (const response of [
      await api().view(bob.headers, id),
      await api().update(bob.headers, id, { title: 'pwned' }),
      await api().remove(bob.headers, id),
      await api().view(admin.headers, id),
    ]) {
      expectRefused(response, allowed);
      expectNoLeak(response);
    }
  });

  it("Alice's real id in Bob's hands is 404, also with SQL appended", async () => {
    for (const id of [aliceRecord, `${aliceRecord}' OR '1'='1`, `${aliceRecord}%`, aliceRecord.toUpperCase()]) {
      const response = await api().view(bob.headers, id);
      expectRefused(response, [404]);
      expectNoLeak(response);
    }
  });

  it.each([
    'notes;drop',
    'NOTES',
    'c_notes',
    'users',
    'collections',
    'data_keys',
    'audit_log',
    'sessions',
    'notes%20',
    'n'.repeat(60),
  ])('collection name %j in the URL: 400 or 404 on every route', async (name) => {
    const other = recordsApi(app, name);
    for (const headers of [bob.headers, admin.headers]) {
      for (const response of [
        await other.list(headers),
        await other.view(headers, aliceRecord),
        await other.create(headers, { title: 'x' }),
        await other.update(headers, aliceRecord, { title: 'x' }),
        await other.remove(headers, aliceRecord),
      ]) {
        expectRefused(response);
        expect(response.body).not.toMatch(/password|argon2|\$2[aby]\$/i);
      }
    }
  });

  it('oversized pages are capped at 500; page 0 and negative sizes are 400', async () => {
    const big = await api().list(bob.headers, { perPage: 100_000 });
    expect(big.statusCode, big.body).toBe(200);
    expect(big.json()).toMatchObject({ perPage: 500, totalItems: 1, totalPages: 1 });
    for (const query of [{ page: 0 }, { page: -1 }, { perPage: 0 }, { perPage: -5 }, { page: 'x' }, { page: 1e12 }]) {
      expectRefused(await api().list(bob.headers, query), [400]);
    }
    for (const perPage of ['9'.repeat(40), '1e400', '500.5']) {
      const response = await api().list(bob.headers, { perPage });
      if (response.statusCode === 200) expect(response.json().perPage).toBe(500);
      else expectRefused(response, [400]);
    }
    const far = await api().list(bob.headers, { page: 1_000_000 });
    expect(far.statusCode, far.body).toBe(200);
    expect(far.json().items).toEqual([]);
  });

  it('afterwards every table still exists with its rows', async () => {
    const notes = await rawRows(app, 'c_notes');
    expect(notes?.map((r) => r.title).sort()).toEqual(['alice secret', 'bob note']);
    const users = await rawRows(app, 'users');
    expect(users?.map((r) => r.id)).toEqual(expect.arrayContaining([admin.id, alice.id, bob.id]));
    expect((await rawRows(app, 'collections'))?.map((r) => r.name)).toEqual(['notes']);
    expect((await api().list(alice.headers)).json()).toMatchObject({ totalItems: 1, items: [{ id: aliceRecord }] });
  });
});
