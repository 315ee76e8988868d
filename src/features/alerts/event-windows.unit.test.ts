import { describe, expect, it } from 'vitest';
import { createCountWindow, createDistinctWindow } from './event-windows.js';

const MINUTE_MS = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE_MS);

describe('alert windows', () => {
  it('a count window forgets minutes that left the window', () => {
    const window = createCountWindow(10 * MINUTE_MS);
    window.add(T0);
    window.add(T0 + 5 * MINUTE_MS, 3);
    expect(window.count(T0 + 9 * MINUTE_MS)).toBe(4);
    expect(window.count(T0 + 10 * MINUTE_MS)).toBe(3);
    expect(window.count(T0 + 15 * MINUTE_MS)).toBe(0);
  });

  it('a distinct window counts each key once, from its latest sighting', () => {
    const window = createDistinctWindow(10 * MINUTE_MS, 100);
    window.add('a', T0);
    window.add('b', T0 + MINUTE_MS);
    window.add('a', T0 + 8 * MINUTE_MS);
    expect(window.count(T0 + 9 * MINUTE_MS)).toBe(2);
    // b was last seen 10 minutes ago; a was seen again 3 minutes ago.
    expect(window.count(T0 + 11 * MINUTE_MS)).toBe(1);
  });

  it('a distinct window stops growing at its cap, so a flood of keys cannot exhaust memory', () => {
    const window = createDistinctWindow(10 * MINUTE_MS, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) window.add(key, T0);
    expect(window.count(T0)).toBe(3);
  });
});
