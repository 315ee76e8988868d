import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessLimiter, type InProcessLimiter } from './in-process-limiter.js';

let nowMs = 1_000_000;
const made: InProcessLimiter[] = [];
const limiter = (points: number, durationSeconds: number, blockSeconds?: number) => {
  const created = createInProcessLimiter(
    { name: 't', points, durationSeconds, ...(blockSeconds ? { blockSeconds } : {}) },
    () => nowMs,
  );
  made.push(created);
  return created;
};
afterEach(() => {
  for (const created of made.splice(0)) created.close();
});

describe('in-process limiter', () => {
  it('answers at once what consume answers: allowed within the budget, the wait beyond it', async () => {
    const sync = limiter(2, 60);
    const async = limiter(2, 60);
    const waits = [sync.tryConsume('k'), sync.tryConsume('k'), sync.tryConsume('k')];
    const results = [await async.consume('k'), await async.consume('k'), await async.consume('k')];
    expect(waits).toEqual([0, 0, 60]);
    expect(results.map((r) => r.retryAfterSeconds)).toEqual(waits);
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(results.map((r) => r.consumed)).toEqual([1, 2, 3]);
  });

  it('starts a fresh window once the old one has run out, counting from the first point', () => {
    const budget = limiter(1, 60);
    expect(budget.tryConsume('k')).toBe(0);
    nowMs += 59_500;
    expect(budget.tryConsume('k')).toBe(1);
    nowMs += 500;
    expect(budget.tryConsume('k')).toBe(0);
    expect(budget.tryConsume('other')).toBe(0);
  });

  it('with blockSeconds, the point that exhausts the budget starts a block later points do not extend', async () => {
    const budget = limiter(1, 60, 900);
    budget.tryConsume('k');
    expect(budget.tryConsume('k')).toBe(900);
    nowMs += 100_000;
    expect(budget.tryConsume('k')).toBe(800);
    nowMs += 800_000;
    expect(budget.tryConsume('k')).toBe(0);
  });

  it('peeks without spending, and forgets a key once its window is over', async () => {
    const budget = limiter(5, 60);
    expect(await budget.peek('k')).toBeNull();
    budget.tryConsume('k');
    expect(await budget.peek('k')).toEqual({ consumed: 1, retryAfterSeconds: 60 });
    expect(await budget.peek('k')).toEqual({ consumed: 1, retryAfterSeconds: 60 });
    nowMs += 60_000;
    expect(await budget.peek('k')).toBeNull();
  });
});
