import { createRequire } from 'node:module';
import { type Kysely, sql } from 'kysely';
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from 'rate-limiter-flexible';
import type { Database, DatabaseTables } from '../db/index.js';
import { createDatabaseBanStore } from './database-bans.js';
import type { LimiterOptions } from './limiter.js';
import { createInProcessLimiters, memoryLimiter, wrapLimiter } from './memory.js';
import type { SharedState } from './shared-state.js';

/** How often rows past their expiry are deleted, so attackers cannot grow the tables for good. */
const SWEEP_INTERVAL_MS = 60_000;
/** How soon a ban or lift made by another instance (PostgreSQL) applies on this one. */
export const BAN_SYNC_INTERVAL_MS = 2_000;

/**
 * The base class of the library's store limiters. Its types declare it, but its entry point does
 * not export it (11.4.0), so it is loaded from the file the library's own stores extend.
 */
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreAbstract;

type Db = Kysely<DatabaseTables>;
type StoreOptions = Omit<ConstructorParameters<typeof StoreAbstract>[0], 'storeClient'>;
type CounterRow = { points: number; expires_ms: number | null };

/**
 * The default without Redis: durable budgets (sign-in locks and the failure counts behind them)
 * and bans in the database, so a restart lifts none of them and, on PostgreSQL, every instance
 * sees the same ones. Budgets spent on every request stay in this process: persisting them would
 * make every request a database write. Times are the server's clock (`Date.now()`), never the
 * database's, as in the in-process and Redis stores. Resolves once the bans in force are loaded.
 */
export async function createDatabaseState(database: Database): Promise<SharedState> {
  const { db } = database;
  const bans = createDatabaseBanStore(db);
  await bans.sync();
  // Background work; a run that fails (database briefly down) is retried at the next interval,
  // and a slow one is not started again while it runs.
  const inFlight = new Set<Promise<void>>();
  const every = (intervalMs: number, work: () => Promise<void>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const run: Promise<void> = work()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
          inFlight.delete(run);
        });
      inFlight.add(run);
    }, intervalMs);
    timer.unref();
    return timer;
  };
  const inProcessLimiters = createInProcessLimiters();
  const timers = [
    every(BAN_SYNC_INTERVAL_MS, () => bans.sync()),
    every(SWEEP_INTERVAL_MS, () => removeExpiredAbuseState(db, Date.now())),
  ];
  return {
    kind: 'database',
    bans,
    createLimiter: (options) =>
      options.durable
        ? wrapLimiter(new DatabaseRateLimiter(db, limiterOptions(options)))
        : inProcessLimiters.create(options),
    // The database's health is /api/ready's `database` entry; nothing else to report.
    isAvailable: () => true,
    async close() {
      for (const timer of timers) clearInterval(timer);
      inProcessLimiters.close();
      await Promise.all(inFlight);
    },
  };
}

function limiterOptions(options: LimiterOptions): StoreOptions {
  return {
    keyPrefix: options.name,
    points: options.points,
    duration: options.durationSeconds,
    blockDuration: options.blockSeconds ?? 0,
    // As on Redis: a budget that may fall back counts in this process while the database is down.
    ...(options.failClosed ? {} : { insuranceLimiter: memoryLimiter(options) }),
  };
}

/** Deletes counters and bans past their expiry (reads already ignore them). */
export async function removeExpiredAbuseState(db: Db, nowMs: number): Promise<void> {
  await db.deleteFrom('abuse_counters').where('expires_ms', '<=', nowMs).execute();
  await db.deleteFrom('abuse_bans').where('until_ms', '<=', nowMs).execute();
}

/**
 * rate-limiter-flexible's store limiter over Kysely, for SQLite and PostgreSQL alike: the library
 * keeps the budget logic (consume, block, blockDuration, insurance) it applies in memory and in
 * Redis, this class only stores `points` and `expires_ms` per key. The library's own SQLite and
 * PostgreSQL stores need a raw driver handle each and create their tables outside migrations.
 */
class DatabaseRateLimiter extends RateLimiterStoreAbstract {
  readonly #db: Db;

  constructor(db: Db, options: StoreOptions) {
    super({ ...options, storeClient: db });
    this.#db = db;
  }

  /**
   * Adds `points` to the key's count in one statement (atomic, also between instances on
   * PostgreSQL); an expired count starts afresh. `forceExpire` (block, set) replaces both.
   */
  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<CounterRow> {
    const nowMs = Date.now();
    const expiresMs = msDuration > 0 ? nowMs + msDuration : null;
    const live = sql<boolean>`abuse_counters.expires_ms IS NULL OR abuse_counters.expires_ms > ${nowMs}`;
    return this.#db
      .insertInto('abuse_counters')
      .values({ key: rlKey, points, expires_ms: expiresMs })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet(
          forceExpire
            ? { points, expires_ms: expiresMs }
            : {
                points: sql<number>`CASE WHEN ${live} THEN abuse_counters.points + ${points} ELSE ${points} END`,
                expires_ms: sql<number | null>`CASE WHEN ${live} THEN abuse_counters.expires_ms ELSE ${expiresMs} END`,
              },
        ),
      )
      .returning(['points', 'expires_ms'])
      .executeTakeFirstOrThrow();
  }

  async _get(rlKey: string): Promise<CounterRow | null> {
    const row = await this.#db
      .selectFrom('abuse_counters')
      .select(['points', 'expires_ms'])
      .where('key', '=', rlKey)
      .where((eb) => eb.or([eb('expires_ms', 'is', null), eb('expires_ms', '>', Date.now())]))
      .executeTakeFirst();
    return row ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('abuse_counters').where('key', '=', rlKey).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The same reading of a stored count as the library's own SQL stores. */
  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: CounterRow): RateLimiterRes {
    const isFirstInDuration = changedPoints === row.points;
    const consumedPoints = isFirstInDuration ? changedPoints : row.points;
    return new RateLimiterRes(
      Math.max(this.points - consumedPoints, 0),
      row.expires_ms === null ? -1 : Math.max(row.expires_ms - Date.now(), 0),
      consumedPoints,
      isFirstInDuration,
    );
  }
}
