import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * Most distinct statements kept prepared. The SQL text of a query depends only on its shape
 * (values are bound parameters), but client filters can produce many shapes: an LRU bound keeps
 * memory flat whatever they send.
 */
export const MAX_CACHED_STATEMENTS = 256;

/**
 * The SQLite connection as Kysely's SqliteDialect sees it, with prepared statements reused by
 * SQL text. Kysely prepares every query afresh, and compiling the SQL costs more than running
 * a small indexed query; reusing the statement changes nothing else: values are still bound on
 * every run, and SQLite re-prepares a statement by itself when the schema changes under it.
 * A statement still being iterated (a stream) is never handed out twice: a fresh one is.
 */
export function withStatementCache(
  database: SqliteDatabase.Database,
  maxStatements = MAX_CACHED_STATEMENTS,
): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close() {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        // Least recently used first: re-inserting moves the entry to the end.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > maxStatements) statements.delete(statements.keys().next().value as string);
      }
      return statement;
    },
  };
}
