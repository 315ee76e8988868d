import { beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, signIn } from '../helpers/auth-client.js';
import { createOp, sendBatch } from '../helpers/batch-client.js';
import {
  type Account,
  createCollection,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  rawRows,
  uniqueName,
} from '../helpers/collections-client.js';
import { createTestApp, useTestApp } from '../helpers/test-app.js';

/**
 * A batch passes the gates of a single write and is no way around them: API-key scopes, CSRF
 * for cookie sessions, and the address and account budgets, which count each operation.
 */
describe('POST /api/batch keeps every gate of a single write', () => {
  // The account's budget is the smaller, so the account test meets it before the address's.
  const ACCOUNT_BUDGET = 7;
  const ADDRESS_BUDGET = 10;
  let admin: Account;
  let name: string;

  const rowCount = async () => ((await rawRows(app, `c_${name}`)) ?? []).length;
  const ops = (n: number, owner: string) =>
    Array.from({ length: n }, (_, i) => createOp(name, { owner, title: `t${i}` }));

  const app = useTestApp({
    logLevel: 'silent',
    env: {
      // Set-up runs from 127.0.0.1, kept out of the address budget; the batches come from elsewhere.
      BULWARK_ABUSE_ALLOW_LIST: '127.0.0.1',
      BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: String(ADDRESS_BUDGET),
      BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: String(ACCOUNT_BUDGET),
    },
  });
  beforeAll(async () => {
    admin = await newAdmin(app);
    name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'text' },
        { name: 'title', type: 'text' },
      ],
      rules: { create: '' },
    });
  });

  it('an API key without records:write is refused and writes nothing; one with it writes', async () => {
    const owner = await newUser(app, 'keys');
    const readOnly = await newApiKey(app, owner, ['records:read']);
    const refused = await sendBatch(app, readOnly, ops(2, 'key'));
    expectProblem(refused, 403, 'AUTH_FORBIDDEN');
    expect(refused.json().detail).toContain('records:write');
    expect(await rowCount()).toBe(0);

    const writer = await newApiKey(app, owner, ['records:write']);
    const written = await sendBatch(app, writer, ops(2, 'key'));
    expect(written.statusCode, written.body).toBe(200);
    expect(await rowCount()).toBe(2);
  });

  it('a cookie session must send its X-CSRF-Token', async () => {
    const owner = await newUser(app, 'browser');
    const session = await signIn(app, owner.email);
    const before = await rowCount();
    const forged = await sendBatch(app, { cookie: cookieFor(session.token) }, ops(2, 'cookie'));
    expectProblem(forged, 403, 'AUTH_CSRF');
    const wrongToken = await sendBatch(app, { cookie: session.cookie, 'x-csrf-token': 'A'.repeat(43) }, ops(2, 'x'));
    expectProblem(wrongToken, 403, 'AUTH_CSRF');
    expect(await rowCount()).toBe(before);

    const sent = await sendBatch(app, { cookie: session.cookie, 'x-csrf-token': session.csrf }, ops(2, 'cookie'));
    expect(sent.statusCode, sent.body).toBe(200);
    expect(await rowCount()).toBe(before + 2);
  });

  it("each operation counts against the account's budget: a batch cannot exceed it", async () => {
    const owner = await newUser(app, 'budget');
    // From an address of its own each time, so only the account's budget is in play.
    const before = await rowCount();
    const within = await sendBatch(app, owner.headers, ops(ACCOUNT_BUDGET - 2, 'a'), { remoteAddress: '198.51.100.1' });
    expect(within.statusCode, within.body).toBe(200);
    const beyond = await sendBatch(app, owner.headers, ops(3, 'a'), { remoteAddress: '198.51.100.2' });
    expectProblem(beyond, 429, 'ABUSE_RATE_LIMITED');
    expect(Number(beyond.headers['retry-after'])).toBeGreaterThan(0);
    expect(await rowCount()).toBe(before + ACCOUNT_BUDGET - 2);
  });

  it("each operation counts against the address's budget: a guest's batch cannot exceed it", async () => {
    const before = await rowCount();
    const beyond = await sendBatch(app, undefined, ops(ADDRESS_BUDGET + 1, 'g'), { remoteAddress: '203.0.113.9' });
    expectProblem(beyond, 429, 'ABUSE_RATE_LIMITED');
    expect(await rowCount()).toBe(before);
    const fresh = await sendBatch(app, undefined, ops(ADDRESS_BUDGET, 'g'), { remoteAddress: '203.0.113.10' });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(await rowCount()).toBe(before + ADDRESS_BUDGET);
  });
});

describe('records.batchMaxOperations', () => {
  it('sets the most operations one batch may hold', async () => {
    const app = await createTestApp({ logLevel: 'silent', env: { BULWARK_RECORDS_BATCH_MAX_OPERATIONS: '2' } });
    try {
      await app.http.ready();
      const admin = await newAdmin(app);
      const name = uniqueName('open');
      await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules: { create: '' } });
      const three = Array.from({ length: 3 }, (_, i) => createOp(name, { title: `t${i}` }));
      const refused = await sendBatch(app, undefined, three);
      expectProblem(refused, 400, 'BATCH_TOO_LARGE');
      expect(refused.json().detail).toContain('at most 2');
      expect((await sendBatch(app, undefined, three.slice(0, 2))).statusCode).toBe(200);
      expect(await rawRows(app, `c_${name}`)).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
