import type { BanStore } from './ban-store.js';
import type { Limiter, LimiterOptions } from './limiter.js';

/**
 * State every instance must agree on: rate-limit counters and bans. `redis`: all of it in Redis.
 * `database`: durable budgets and bans in the database, the rest in this process. `memory`: all
 * of it in this process.
 */
export interface SharedState {
  kind: 'memory' | 'database' | 'redis';
  bans: BanStore;
  createLimiter: (options: LimiterOptions) => Limiter;
  /** False while the shared store is unreachable (shown by /api/ready). */
  isAvailable: () => boolean;
  close: () => Promise<void>;
}
