import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { createShippingRepo, type ShippingRepo } from './shipping-repo.js';

let app: TestApp;
let repo: ShippingRepo;
const target = 'syslog+tls://logs.example:6514';
const at = 1_800_000_000_000;
const leaseMs = 30_000;

beforeEach(async () => {
  app = await createTestApp({ logLevel: 'silent' });
  repo = createShippingRepo(app.database.db);
});
afterEach(() => app.close());

describe('the shipping cursor and its lease (one shipper per database)', () => {
  it('of instances racing for the lease exactly one gets it, and the others stand by', async () => {
    const holders = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(holders.map((holder) => repo.takeLease({ target, holder, nowMs: at, leaseMs })));
    expect(results.filter((cursor) => cursor !== null)).toEqual([0]);
  });

  it('stays with its holder while renewed, and passes to another only once it has lapsed', async () => {
    expect(await repo.takeLease({ target, holder: 'a', nowMs: at, leaseMs })).toBe(0);
    expect(await repo.takeLease({ target, holder: 'b', nowMs: at + leaseMs - 1, leaseMs })).toBeNull();
    expect(await repo.takeLease({ target, holder: 'a', nowMs: at + leaseMs - 1, leaseMs })).toBe(0);
    expect(await repo.takeLease({ target, holder: 'b', nowMs: at + 2 * leaseMs, leaseMs })).toBe(0);
  });

  it('moves the cursor only for the holder, and a lost lease stops the old holder from moving it', async () => {
    await repo.takeLease({ target, holder: 'a', nowMs: at, leaseMs });
    expect(await repo.advance({ target, holder: 'a', seq: 5, nowMs: at })).toBe(true);
    expect(await repo.advance({ target, holder: 'b', seq: 9, nowMs: at })).toBe(false);
    expect(await repo.takeLease({ target, holder: 'b', nowMs: at + 2 * leaseMs, leaseMs })).toBe(5);
    expect(await repo.advance({ target, holder: 'a', seq: 6, nowMs: at })).toBe(false);
    expect(await repo.findCursor(target)).toBe(5);
  });

  it('rewinds only backwards, and a released lease is free at once', async () => {
    await repo.takeLease({ target, holder: 'a', nowMs: at, leaseMs });
    await repo.advance({ target, holder: 'a', seq: 10, nowMs: at });
    await repo.rewind({ target, holder: 'a', seq: 12, nowMs: at });
    expect(await repo.findCursor(target)).toBe(10);
    await repo.rewind({ target, holder: 'a', seq: 8, nowMs: at });
    expect(await repo.findCursor(target)).toBe(8);
    await repo.releaseLease(target, 'a');
    expect(await repo.takeLease({ target, holder: 'b', nowMs: at + 1, leaseMs })).toBe(8);
  });
});
