export type { Ban, BanStore } from './ban-store.js';
export { BAN_SYNC_INTERVAL_MS, createDatabaseState, removeExpiredAbuseState } from './database.js';
export { type Limiter, type LimitResult, StoreUnavailableError } from './limiter.js';
export { createRedisState } from './redis.js';
export type { SharedState } from './shared-state.js';
