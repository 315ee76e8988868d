import { type Kysely, sql } from 'kysely';
import type { Database } from './create-database.js';
import type { DatabaseTables } from './schema.js';

/**
 * A transaction that reads and then writes, safe beside other processes on the same SQLite
 * file. In WAL mode a plain (deferred) transaction that has read cannot take the write lock
 * once another connection has committed since: SQLite fails it at once with
 * SQLITE_BUSY_SNAPSHOT, without waiting for `busy_timeout`. `BEGIN IMMEDIATE` takes the write
 * lock first (waiting up to `busy_timeout`), so a command run beside a busy server gets its
 * turn instead of failing. PostgreSQL uses an ordinary transaction.
 */
export async function writeTransaction<T>(
  database: Pick<Database, 'db' | 'dialect'>,
  work: (trx: Kysely<DatabaseTables>) => Promise<T>,
): Promise<T> {
  if (database.dialect === 'postgres') return database.db.transaction().execute(work);
  return database.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
