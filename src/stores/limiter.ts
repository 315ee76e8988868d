/** The outcome of spending from a budget. */
export interface LimitResult {
  allowed: boolean;
  /** Seconds until the budget allows again (0 when allowed). */
  retryAfterSeconds: number;
  consumed: number;
}

/**
 * A counter per key over a window, shared by every instance when backed by Redis. Limiters
 * that must fail closed throw StoreUnavailableError when the shared store is unreachable;
 * the others fall back to an in-process budget.
 */
export interface Limiter {
  consume: (key: string, points?: number) => Promise<LimitResult>;
  /** Current state without spending; null when the key has no record. */
  peek: (key: string) => Promise<{ consumed: number; retryAfterSeconds: number } | null>;
  reset: (key: string) => Promise<void>;
  /** Refuses the key for `seconds` from now, whatever its count. */
  block: (key: string, seconds: number) => Promise<void>;
  /**
   * Only on budgets kept in this process: spends one point from `key`'s budget at once, 0 when
   * allowed, else the seconds until it allows again. The abuse guard's path on every request:
   * no promise, result object or key string is made.
   */
  tryConsume?: (key: string) => number;
}

export interface LimiterOptions {
  /** Names the budget in the shared store; keys of different budgets never collide. */
  name: string;
  points: number;
  durationSeconds: number;
  /** Once exhausted, refuse for this long instead of until the window ends. */
  blockSeconds?: number;
  /** Refuse (StoreUnavailableError) rather than fall back when the shared store is down. */
  failClosed?: boolean;
  /**
   * Must outlast a restart: without Redis this budget is kept in the database, and each
   * `consume` is a write there. For budgets spent on failures (sign-in locks and the counts
   * behind bans), not for those spent on every request.
   */
  durable?: boolean;
}

export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('shared store unavailable', cause === undefined ? undefined : { cause });
    this.name = 'StoreUnavailableError';
  }
}
