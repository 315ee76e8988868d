import { describe, expect, it } from 'vitest';
import { createConcurrencyGate } from './concurrency-gate.js';

/** A task that finishes when the test says so, and records that it started. */
function heldTask(started: number[], id: number) {
  let finish: () => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = () => resolve(id);
  });
  return {
    run: () => {
      started.push(id);
      return done;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrency gate', () => {
  it('runs at most the limit at once, then the waiting ones in arrival order', async () => {
    const gate = createConcurrencyGate(2);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map((id) => heldTask(started, id));
    const results = tasks.map((task) => gate(task.run));
    await settle();
    expect(started).toEqual([0, 1]);
    tasks[1]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]?.finish();
    tasks[2]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[3]?.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it('frees the place of a task that fails, and passes its error on', async () => {
    const gate = createConcurrencyGate(1);
    await expect(gate(() => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    expect(await gate(async () => 'next')).toBe('next');
  });

  it('refuses a limit below 1 when it is built', () => {
    expect(() => createConcurrencyGate(0)).toThrow(RangeError);
  });
});
