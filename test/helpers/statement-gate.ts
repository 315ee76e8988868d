import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultQueryExecutor } from 'kysely';
import { type MockInstance, vi } from 'vitest';

type Query = { sql: string };
type Execute = (query: Query, ...rest: unknown[]) => Promise<unknown>;

/** Where a held request stopped, and what it held there. */
export interface HeldAt {
  /**
   * Earlier in this request it took the definitions-writer lock (SQLite `BEGIN IMMEDIATE`,
   * PostgreSQL `LOCK TABLE collections`) and has not committed (SQLite; a PostgreSQL commit
   * does not pass through the spy, so hold a request only inside its one change): every other
   * definition change waits for it, so a test must let it go on before waiting for one.
   */
  holdsDefinitionsLock: boolean;
}

const TAKES_LOCK = /^\s*(begin immediate|lock table "?collections"?\b)/i;
const ENDS_TRANSACTION = /^\s*(commit|rollback)\b/i;

/**
 * Makes an interleaving of requests deterministic without timing: requests started through
 * `as(label, …)` are told apart by their async context, and `hold(label, pattern)` stops that
 * request just before its first statement matching `pattern` until `release()`. Every
 * statement still runs through Kysely as in production; the spy is removed by `restore()`.
 */
export function createStatementGate() {
  const who = new AsyncLocalStorage<string>();
  const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as { executeQuery: Execute };
  const original = base.executeQuery;
  const locked = new Set<string>();
  const holds: Array<{ label: string; pattern: RegExp; reached: (at: HeldAt) => void; released: Promise<void> }> = [];
  const watches: Array<{ label: string; pattern: RegExp; seen: () => void }> = [];

  const spy: MockInstance = vi.spyOn(base, 'executeQuery').mockImplementation(async function (
    this: unknown,
    query: Query,
    ...rest: unknown[]
  ) {
    const label = who.getStore();
    for (const watch of watches.filter((w) => w.label === label && w.pattern.test(query.sql))) {
      watches.splice(watches.indexOf(watch), 1);
      watch.seen();
    }
    const index = holds.findIndex((h) => h.label === label && h.pattern.test(query.sql));
    const hold = holds[index];
    if (label !== undefined && hold) {
      holds.splice(index, 1);
      hold.reached({ holdsDefinitionsLock: locked.has(label) });
      await hold.released;
    }
    if (label !== undefined && TAKES_LOCK.test(query.sql)) locked.add(label);
    if (label !== undefined && ENDS_TRANSACTION.test(query.sql)) locked.delete(label);
    return original.call(this, query, ...rest);
  });

  return {
    /** Runs `work` (a request) under `label`, so its statements can be held. */
    as: <T>(label: string, work: () => Promise<T>): Promise<T> => who.run(label, work),
    /** Stops `label`'s request before its first statement matching `pattern`. */
    hold(label: string, pattern: RegExp) {
      let release = () => {};
      let reached: (at: HeldAt) => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reachedPromise = new Promise<HeldAt>((resolve) => {
        reached = resolve;
      });
      holds.push({ label, pattern, reached, released });
      return { reached: reachedPromise, release };
    },
    /** Settles when `label`'s request sends its first statement matching `pattern` (it may then wait in the database). */
    issued: (label: string, pattern: RegExp) =>
      new Promise<void>((seen) => {
        watches.push({ label, pattern, seen });
      }),
    restore: () => spy.mockRestore(),
  };
}
