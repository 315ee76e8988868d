import type { Limiter, LimiterOptions, LimitResult } from './limiter.js';

/** One key's window: mutated in place, so a request in a running window allocates nothing. */
interface Window {
  consumed: number;
  resetAtMs: number;
}

/** A limiter whose answer never leaves this process, so it can be given synchronously. */
export interface InProcessLimiter extends Limiter {
  tryConsume: (key: string) => number;
  /** Stops the sweep. */
  close: () => void;
}

/**
 * Fixed windows per key in a Map, the budget rules of rate-limiter-flexible's in-process
 * limiter (the window starts at a key's first point; `blockSeconds` turns an exhausted window
 * into a block of that length; `block` refuses whatever the count) without its per-call
 * promise, result object, prefixed key and per-key timer. Expired windows are swept once a
 * window's length, so a flood of new addresses cannot grow the Map for good.
 */
export function createInProcessLimiter(options: LimiterOptions, now: () => number = Date.now): InProcessLimiter {
  const windows = new Map<string, Window>();
  const windowMs = options.durationSeconds * 1000;
  const blockMs = (options.blockSeconds ?? 0) * 1000;
  const sweep = setInterval(() => {
    const nowMs = now();
    for (const [key, window] of windows) if (window.resetAtMs <= nowMs) windows.delete(key);
  }, windowMs);
  sweep.unref();

  /** The key's running window with `points` added; a new or expired one starts afresh. */
  const spend = (key: string, points: number): Window => {
    const nowMs = now();
    let window = windows.get(key);
    if (window === undefined) {
      window = { consumed: 0, resetAtMs: nowMs + windowMs };
      windows.set(key, window);
    } else if (window.resetAtMs <= nowMs) {
      window.consumed = 0;
      window.resetAtMs = nowMs + windowMs;
    }
    window.consumed += points;
    // The point that went over starts the block; later ones inside it do not extend it.
    if (blockMs > 0 && window.consumed > options.points && window.consumed <= options.points + points) {
      window.resetAtMs = nowMs + blockMs;
    }
    return window;
  };
  const secondsLeft = (window: Window) => Math.max(1, Math.ceil((window.resetAtMs - now()) / 1000));
  const result = (window: Window): LimitResult => {
    const allowed = window.consumed <= options.points;
    return { allowed, retryAfterSeconds: allowed ? 0 : secondsLeft(window), consumed: window.consumed };
  };
  const live = (key: string) => {
    const window = windows.get(key);
    return window !== undefined && window.resetAtMs > now() ? window : undefined;
  };

  return {
    close: () => clearInterval(sweep),
    tryConsume(key) {
      const window = spend(key, 1);
      return window.consumed <= options.points ? 0 : secondsLeft(window);
    },
    consume: async (key, points = 1) => result(spend(key, points)),
    async peek(key) {
      const window = live(key);
      if (!window) return null;
      return {
        consumed: window.consumed,
        retryAfterSeconds: Math.max(0, Math.ceil((window.resetAtMs - now()) / 1000)),
      };
    },
    async reset(key) {
      windows.delete(key);
    },
    async block(key, seconds) {
      windows.set(key, { consumed: options.points + 1, resetAtMs: now() + seconds * 1000 });
    },
  };
}
