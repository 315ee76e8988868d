import { type Kysely, sql } from 'kysely';
import { type DatabaseTables, type DialectName, isMissingTable, writeTransaction } from '../../db/index.js';
import { appError } from '../../errors/index.js';

/** PostgreSQL's SQLSTATE for a statement cancelled by `statement_timeout`. */
const QUERY_CANCELED = '57014';

/**
 * Runs work whose statements carry a rule or a client filter. On PostgreSQL the work runs in
 * one transaction under its own `statement_timeout` (`set local`, so it ends with the
 * transaction and never leaks to a pooled connection), so a costly rule or filter cannot hold a
 * connection; beyond it the caller gets 503 `REC_QUERY_TIMEOUT`. One transaction also means a
 * write happens only while the rule that admitted it still holds for the row it read. SQLite
 * cannot interrupt a statement from JavaScript; there the bound is structural (see
 * rules/limits.ts: every filter is linear in the table size) and the work runs as it is.
 *
 * @example
 *   const row = await bounded((db) => db.selectFrom(table).where(rule).executeTakeFirst());
 */
export function createBoundedRunner<Db>(deps: { db: Kysely<Db>; dialect: DialectName; timeoutMs: number }) {
  // SET takes no bind parameter; the value is the configured integer, never request input.
  const timeout = sql.raw(String(Math.max(1, Math.trunc(deps.timeoutMs))));
  return async function bounded<T>(work: (db: Kysely<Db>) => Promise<T>): Promise<T> {
    try {
      if (deps.dialect !== 'postgres') return await work(deps.db);
      return await deps.db.transaction().execute(async (trx) => {
        await sql`set local statement_timeout = ${timeout}`.execute(trx);
        return work(trx);
      });
    } catch (error) {
      throw translate(error);
    }
  };
}

/**
 * The same bound, with the work in one write transaction on SQLite too: all of it or none, for
 * a batch of writes. On SQLite the transaction begins `IMMEDIATE` (see db/write-transaction.ts)
 * and holds the one connection, so the work must reach the database only through the handle it
 * is given (another statement on the pool would wait for the work, and the work for it).
 */
export function createBoundedWriteRunner<Db>(deps: { db: Kysely<Db>; dialect: DialectName; timeoutMs: number }) {
  // PostgreSQL's bounded work already runs in one transaction.
  if (deps.dialect === 'postgres') return createBoundedRunner(deps);
  const database = { db: deps.db as unknown as Kysely<DatabaseTables>, dialect: deps.dialect };
  return async function boundedWrite<T>(work: (db: Kysely<Db>) => Promise<T>): Promise<T> {
    try {
      return await writeTransaction(database, (trx) => work(trx as unknown as Kysely<Db>));
    } catch (error) {
      throw translate(error);
    }
  };
}

/** A cancelled statement is a 503 to retry; a table dropped meanwhile is the collection gone (404). */
function translate(error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code === QUERY_CANCELED) {
    return appError('REC_QUERY_TIMEOUT', {
      detail: 'This query took too long and was stopped; narrow the filter.',
      expose: true,
      headers: { 'retry-after': '1' },
      cause: error,
    });
  }
  // The definition was read, then the collection was dropped before its table was queried.
  if (isMissingTable(error)) return appError('REC_NOT_FOUND', { detail: 'No such collection.', cause: error });
  return error;
}
