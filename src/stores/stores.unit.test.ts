import { describe, expect, it } from 'vitest';
import { createMemoryBanStore } from './ban-store.js';
import { createMemoryState } from './memory.js';

describe('in-process limiter', () => {
  it('allows the budget, refuses beyond it with a Retry-After, and resets', async () => {
    const limiter = createMemoryState().createLimiter({ name: 't', points: 3, durationSeconds: 60 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('k'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3]?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.consume('other')).allowed).toBe(true);
    await limiter.reset('k');
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('blocks a key for the given time whatever its count', async () => {
    const limiter = createMemoryState().createLimiter({ name: 't', points: 100, durationSeconds: 60 });
    await limiter.block('k', 900);
    const peek = await limiter.peek('k');
    expect(peek?.retryAfterSeconds).toBeGreaterThan(890);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });
});

describe('in-process ban store', () => {
  it('keeps a ban until it expires by itself, and can lift it early', async () => {
    let nowMs = 1_000_000;
    const bans = createMemoryBanStore(() => nowMs);
    await bans.ban({ ip: '127.0.0.9', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 1000 });
    expect(await bans.get('127.0.0.9')).toMatchObject({ reason: 'test' });
    expect((await bans.list()).map((b) => b.ip)).toEqual(['127.0.0.9']);
    nowMs += 1001;
    expect(await bans.get('127.0.0.9')).toBeNull();
    expect(await bans.list()).toEqual([]);
    await bans.ban({ ip: '::1', reason: 'test', sinceMs: nowMs, untilMs: nowMs + 1000 });
    expect(await bans.unban('::1')).toBe(true);
    expect(await bans.unban('::1')).toBe(false);
  });
});
