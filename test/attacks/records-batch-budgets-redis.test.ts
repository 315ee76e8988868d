import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOp, sendBatch } from '../helpers/batch-client.js';
import {
  createCollection,
  expectProblem,
  newAdmin,
  newUser,
  rawRows,
  uniqueName,
} from '../helpers/collections-client.js';
import { requireTestRedis } from '../helpers/redis-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * records-batch-gates.test.ts's budget checks with the abuse guard's state in Redis (several
 * instances): each operation of a batch spends the account's and the address's budget there
 * too, and the counters Redis holds say so. The Redis at TEST_REDIS_URL is shared by other files
 * and by both dialects' runs: each address here is a fresh IPv6 network, and each account new.
 */
const ACCOUNT_BUDGET = 7;
const ADDRESS_BUDGET = 10;

/** A client address no other run uses: the guard counts an IPv6 client by its /64. */
const freshAddress = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

describe('POST /api/batch budgets with the abuse state in Redis', () => {
  let app: TestApp;
  let redis: Redis;
  let name: string;
  const rowCount = async () => ((await rawRows(app, `c_${name}`)) ?? []).length;
  const ops = (n: number, owner: string) =>
    Array.from({ length: n }, (_, i) => createOp(name, { owner, title: `t${i}` }));

  beforeAll(async () => {
    const redisUrl = requireTestRedis();
    app = await createTestApp({
      logLevel: 'silent',
      env: {
        BULWARK_REDIS_URL: redisUrl,
        // Set-up runs from 127.0.0.1, kept out of the address budget; the batches come from elsewhere.
        BULWARK_ABUSE_ALLOW_LIST: '127.0.0.1',
        BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: String(ADDRESS_BUDGET),
        BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: String(ACCOUNT_BUDGET),
      },
    });
    await app.http.ready();
    expect(app.state.kind).toBe('redis');
    redis = new Redis(redisUrl);
    const admin = await newAdmin(app);
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
  afterAll(async () => {
    redis?.disconnect();
    await app?.close();
  });

  it("each operation spends the account's budget in Redis: a batch cannot exceed it", async () => {
    const owner = await newUser(app, 'budget');
    const before = await rowCount();
    const within = await sendBatch(app, owner.headers, ops(ACCOUNT_BUDGET - 2, 'a'), { remoteAddress: freshAddress() });
    expect(within.statusCode, within.body).toBe(200);
    expect(await redis.get(`bulwark:rl:user:${owner.id}`)).toBe(String(ACCOUNT_BUDGET - 2));

    const beyond = await sendBatch(app, owner.headers, ops(3, 'a'), { remoteAddress: freshAddress() });
    expectProblem(beyond, 429, 'ABUSE_RATE_LIMITED');
    expect(Number(beyond.headers['retry-after'])).toBeGreaterThan(0);
    expect(await rowCount()).toBe(before + ACCOUNT_BUDGET - 2);
  });

  it("each operation spends the address's budget in Redis: a guest's batch cannot exceed it", async () => {
    const before = await rowCount();
    const beyond = await sendBatch(app, undefined, ops(ADDRESS_BUDGET + 1, 'g'), { remoteAddress: freshAddress() });
    expectProblem(beyond, 429, 'ABUSE_RATE_LIMITED');
    expect(await rowCount()).toBe(before);

    const fresh = await sendBatch(app, undefined, ops(ADDRESS_BUDGET, 'g'), { remoteAddress: freshAddress() });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(await rowCount()).toBe(before + ADDRESS_BUDGET);
  });
});
