import { type Kysely, sql } from 'kysely';
import { type Database, type DatabaseTables, WRITE_LOCK_WAIT_MS, writeTransaction } from '../../db/index.js';
import { tableName } from './collection-definition.js';

/**
 * The one way to change collection definitions (create, change, delete, schema apply), from
 * any instance: `work` runs in one write transaction that first takes the definitions-writer
 * lock, so it reads the definitions it decides on only once no other change can commit before
 * it does. A change that starts meanwhile waits for this one to commit (up to
 * `WRITE_LOCK_WAIT_MS`: SQLite's `busy_timeout` beside another process, PostgreSQL's
 * `lock_timeout` for this transaction's locks; longer is a 503 with Retry-After) and then
 * decides on the new state: none reads, decides and then overwrites what another committed between.
 *
 * SQLite: `BEGIN IMMEDIATE` takes the database's write lock, and within one process the one
 * connection is held by the transaction, so `work` must reach the database only through `trx`.
 * PostgreSQL: `collections` locked in SHARE ROW EXCLUSIVE mode, which conflicts with itself and
 * with every write to the table, not with reads, so records requests go on meanwhile.
 */
export function changeDefinitions<T>(
  database: Pick<Database, 'db' | 'dialect'>,
  work: (trx: Kysely<DatabaseTables>) => Promise<T>,
): Promise<T> {
  return writeTransaction(database, async (trx) => {
    if (database.dialect === 'postgres') {
      // As long as SQLite's busy_timeout, then 55P03: a 503 with Retry-After (http/problem.ts).
      await sql`SET LOCAL lock_timeout = ${sql.raw(String(WRITE_LOCK_WAIT_MS))}`.execute(trx);
      await sql`LOCK TABLE collections IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    }
    return work(trx);
  });
}

/**
 * Before counting the data a change would delete from a collection's table: on PostgreSQL the
 * table is locked, so no record written after the count slips under the drop unconfirmed. On
 * SQLite the transaction already holds the write lock.
 */
export async function lockTableForDrop(
  trx: Kysely<DatabaseTables>,
  database: Pick<Database, 'dialect'>,
  collection: string,
): Promise<void> {
  if (database.dialect === 'postgres')
    await sql`LOCK TABLE ${sql.table(tableName(collection))} IN ACCESS EXCLUSIVE MODE`.execute(trx);
}
