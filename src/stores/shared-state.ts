import type { BanStore } from './ban-store.js';
import type { Limiter, LimiterOptions } from './limiter.js';

/** State every instance must agree on: rate-limit counters and bans. */
export interface SharedState {
  kind: 'memory' | 'redis';
  bans: BanStore;
  createLimiter: (options: LimiterOptions) => Limiter;
  /** False while the shared store is unreachable (shown by /api/ready). */
  isAvailable: () => boolean;
  close: () => Promise<void>;
}
