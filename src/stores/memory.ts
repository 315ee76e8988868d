import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type BanStore, createMemoryBanStore } from './ban-store.js';
import { createInProcessLimiter, type InProcessLimiter } from './in-process-limiter.js';
import { type Limiter, type LimiterOptions, type LimitResult, StoreUnavailableError } from './limiter.js';
import type { SharedState } from './shared-state.js';

/**
 * rate-limiter-flexible signals "over the limit" by rejecting with a RateLimiterRes; any other
 * rejection is the store failing (only possible for fail-closed Redis limiters).
 */
export function toLimitResult(outcome: unknown, allowed: boolean): LimitResult {
  if (!(outcome instanceof RateLimiterRes)) throw new StoreUnavailableError(outcome);
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
    consumed: outcome.consumedPoints,
  };
}

export function wrapLimiter(limiter: RateLimiterAbstract): Limiter {
  return {
    consume: (key, points = 1) =>
      limiter.consume(key, points).then(
        (res) => toLimitResult(res, true),
        (rejection: unknown) => toLimitResult(rejection, false),
      ),
    async peek(key) {
      const res = await limiter.get(key).catch((error: unknown) => {
        throw new StoreUnavailableError(error);
      });
      return res
        ? { consumed: res.consumedPoints, retryAfterSeconds: Math.max(0, Math.ceil(res.msBeforeNext / 1000)) }
        : null;
    },
    async block(key, seconds) {
      await limiter.block(key, seconds).catch((error: unknown) => {
        throw new StoreUnavailableError(error);
      });
    },
    async reset(key) {
      await limiter.delete(key).catch((error: unknown) => {
        throw new StoreUnavailableError(error);
      });
    },
  };
}

export function memoryLimiter(options: LimiterOptions): RateLimiterMemory {
  return new RateLimiterMemory({
    keyPrefix: options.name,
    points: options.points,
    duration: options.durationSeconds,
    blockDuration: options.blockSeconds ?? 0,
  });
}

/** In-process limiters made one by one, stopped together when their state closes. */
export function createInProcessLimiters(): { create: (options: LimiterOptions) => Limiter; close: () => void } {
  const made: InProcessLimiter[] = [];
  return {
    create(options) {
      const limiter = createInProcessLimiter(options);
      made.push(limiter);
      return limiter;
    },
    close: () => {
      for (const limiter of made) limiter.close();
    },
  };
}

/** The default: counters and bans in this process. One instance only, which is the embedded case. */
export function createMemoryState(): SharedState {
  const bans: BanStore = createMemoryBanStore();
  const limiters = createInProcessLimiters();
  return {
    kind: 'memory',
    bans,
    createLimiter: limiters.create,
    isAvailable: () => true,
    close: async () => limiters.close(),
  };
}
