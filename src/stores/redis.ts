import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type Ban, type BanStore, createMemoryBanStore } from './ban-store.js';
import { memoryLimiter, wrapLimiter } from './memory.js';
import type { SharedState } from './shared-state.js';

const BAN_PREFIX = 'bulwark:ban:';
/** Reconnect quickly after Redis comes back; commands meanwhile fail at once (no queue). */
const RECONNECT_DELAY_MS = 500;
/** A Redis that does not answer within this is treated as down rather than stalling requests. */
const COMMAND_TIMEOUT_MS = 1000;
const HEARTBEAT_INTERVAL_MS = 1000;

export interface RedisStateOptions {
  url: string;
  onAvailabilityChange?: (isAvailable: boolean) => void;
}

/**
 * Counters and bans in Redis, so every instance behind a load balancer sees the same ones.
 * While Redis is down, limiters marked fail-closed refuse (sign-in answers 503), the others
 * fall back to in-process budgets, and bans are still read from a local copy of this
 * instance's own writes.
 */
export async function createRedisState(options: RedisStateOptions): Promise<SharedState> {
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: () => RECONNECT_DELAY_MS,
    lazyConnect: true,
  });
  let wasAvailable = false;
  const report = () => {
    const isAvailable = client.status === 'ready';
    if (isAvailable !== wasAvailable) options.onAvailabilityChange?.(isAvailable);
    wasAvailable = isAvailable;
  };
  client.on('ready', report);
  client.on('close', report);
  client.on('error', () => undefined); // reported through status; never crash the process
  await client.connect().catch(() => undefined);
  report();
  // A Redis that stops answering but keeps its socket open (frozen, or a silent network cut)
  // never closes the connection: ping it, and drop the connection when it does not answer, so
  // readiness, the log and the fallbacks react within a second or two.
  const heartbeat = setInterval(() => {
    if (client.status !== 'ready') return;
    client.ping().catch(() => client.disconnect(true));
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  return {
    kind: 'redis',
    bans: createRedisBanStore(client),
    createLimiter: (limiterOptions) =>
      wrapLimiter(
        new RateLimiterRedis({
          storeClient: client,
          keyPrefix: `bulwark:rl:${limiterOptions.name}`,
          points: limiterOptions.points,
          duration: limiterOptions.durationSeconds,
          blockDuration: limiterOptions.blockSeconds ?? 0,
          rejectIfRedisNotReady: true,
          ...(limiterOptions.failClosed ? {} : { insuranceLimiter: memoryLimiter(limiterOptions) }),
        }),
      ),
    isAvailable: () => client.status === 'ready',
    close: async () => {
      clearInterval(heartbeat);
      client.disconnect();
    },
  };
}

function createRedisBanStore(client: Redis): BanStore {
  const local = createMemoryBanStore();
  const attempt = async <T>(work: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (client.status !== 'ready') return fallback();
    return work().catch(fallback);
  };
  return {
    async ban(ban) {
      await local.ban(ban);
      const ttlMs = Math.max(1, ban.untilMs - Date.now());
      await attempt(
        async () => void (await client.set(BAN_PREFIX + ban.ip, JSON.stringify(ban), 'PX', ttlMs)),
        async () => {},
      );
    },
    async unban(ip) {
      const removedLocally = await local.unban(ip);
      const removed = await attempt(
        async () => (await client.del(BAN_PREFIX + ip)) > 0,
        async () => false,
      );
      return removed || removedLocally;
    },
    get: (ip) =>
      attempt(
        async () => {
          const value = await client.get(BAN_PREFIX + ip);
          return value ? (JSON.parse(value) as Ban) : null;
        },
        () => local.get(ip),
      ),
    list: () =>
      attempt(
        async () => {
          const keys: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await client.scan(cursor, 'MATCH', `${BAN_PREFIX}*`, 'COUNT', 500);
            cursor = next;
            keys.push(...batch);
          } while (cursor !== '0');
          if (keys.length === 0) return [];
          const values = await client.mget(...keys);
          return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as Ban);
        },
        () => local.list(),
      ),
  };
}
