import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { createDatabaseState } from './database.js';
import { createDatabaseBanStore } from './database-bans.js';
import type { SharedState } from './shared-state.js';

/**
 * The database store on the app's own database (SQLite, and PostgreSQL in that project): it
 * counts like the in-process and Redis stores, a second state on the same database (a restart,
 * or another instance) sees the durable budgets and bans, per-request budgets stay in process,
 * and concurrent spending never lets more through than the budget.
 */
let app: TestApp;
const states: SharedState[] = [];
const newState = async () => {
  const state = await createDatabaseState(app.database);
  states.push(state);
  return state;
};

beforeAll(async () => {
  app = await createTestApp({ logLevel: 'silent' });
});
afterAll(async () => {
  for (const state of states) await state.close();
  await app.close();
});

describe('durable budgets in the database', () => {
  it('allows the budget, refuses beyond it with a Retry-After, and resets', async () => {
    const limiter = (await newState()).createLimiter({ name: 'db-t1', points: 3, durationSeconds: 60, durable: true });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('k'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.consumed)).toEqual([1, 2, 3, 4]);
    expect(results[3]?.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3]?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.consume('other')).allowed).toBe(true);
    await limiter.reset('k');
    expect(await limiter.peek('k')).toBeNull();
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('blocks a key for the given time whatever its count', async () => {
    const limiter = (await newState()).createLimiter({
      name: 'db-t2',
      points: 100,
      durationSeconds: 60,
      durable: true,
    });
    await limiter.consume('k');
    await limiter.block('k', 900);
    const peek = await limiter.peek('k');
    expect(peek?.retryAfterSeconds).toBeGreaterThan(890);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('is seen by a second state on the same database; a per-request budget is not', async () => {
    const options = { name: 'db-t3', points: 2, durationSeconds: 60 };
    const before = await newState();
    await before.createLimiter({ ...options, durable: true }).consume('k', 2);
    await before.createLimiter({ ...options, name: 'db-t3-mem' }).consume('k', 2);
    const after = await newState();
    expect((await after.createLimiter({ ...options, durable: true }).consume('k')).allowed).toBe(false);
    expect((await after.createLimiter({ ...options, name: 'db-t3-mem' }).consume('k')).allowed).toBe(true);
  });

  it('lets exactly the budget through when spent concurrently', async () => {
    const limiter = (await newState()).createLimiter({ name: 'db-t4', points: 5, durationSeconds: 60, durable: true });
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.consume('k')));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect((await limiter.peek('k'))?.consumed).toBe(30);
  });
});

describe('bans in the database', () => {
  it('keeps a ban for another state until it expires, lists only live ones, and lifts early', async () => {
    const nowMs = Date.now();
    const bans = (await newState()).bans;
    await bans.ban({ ip: '192.0.2.1', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 60_000 });
    await bans.ban({ ip: '2001:db8:1:2::/64', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 60_000 });
    await bans.ban({ ip: '192.0.2.2', reason: 'test', sinceMs: nowMs - 2000, untilMs: nowMs - 1000 });

    const elsewhere = (await newState()).bans;
    expect(await elsewhere.get('192.0.2.1')).toEqual({
      ip: '192.0.2.1',
      reason: 'test',
      sinceMs: nowMs,
      untilMs: nowMs + 60_000,
    });
    expect(await elsewhere.get('192.0.2.2')).toBeNull();
    expect((await elsewhere.list()).map((b) => b.ip).sort()).toEqual(['192.0.2.1', '2001:db8:1:2::/64']);

    expect(await elsewhere.unban('2001:db8:1:2::/64')).toBe(true);
    expect(await elsewhere.unban('2001:db8:1:2::/64')).toBe(false);
    expect(await elsewhere.unban('192.0.2.2')).toBe(false);
    expect(await elsewhere.get('2001:db8:1:2::/64')).toBeNull();
  });

  it('answers from its copy, which takes in bans and lifts made elsewhere when it reloads', async () => {
    const nowMs = Date.now();
    const here = createDatabaseBanStore(app.database.db);
    const there = createDatabaseBanStore(app.database.db);
    await Promise.all([here.sync(), there.sync()]);
    await there.ban({ ip: '192.0.2.7', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 60_000 });
    expect(await here.get('192.0.2.7')).toBeNull();
    expect((await here.list()).map((b) => b.ip)).toContain('192.0.2.7');
    await here.sync();
    expect(await here.get('192.0.2.7')).toMatchObject({ ip: '192.0.2.7' });
    expect(await there.unban('192.0.2.7')).toBe(true);
    await here.sync();
    expect(await here.get('192.0.2.7')).toBeNull();
  });

  it('keeps its own ban made while a reload is under way', async () => {
    const nowMs = Date.now();
    const bans = createDatabaseBanStore(app.database.db);
    const reload = bans.sync();
    await bans.ban({ ip: '192.0.2.8', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 60_000 });
    await reload;
    expect(await bans.get('192.0.2.8')).toMatchObject({ ip: '192.0.2.8' });
  });
});
