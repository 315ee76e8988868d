import { chmodSync, existsSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.js';
import type { DatabaseTables } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent the embedded SQLite file at `sqlitePath` is used. */
  url?: string | undefined;
  sqlitePath: string;
  /** SQLite `synchronous` (config `database.sqliteSynchronous`); `normal` when absent. */
  sqliteSynchronous?: 'normal' | 'full' | undefined;
  /** PostgreSQL schema to work in (default `public`); tests give each app its own. */
  schema?: string | undefined;
  maxConnections?: number;
  /**
   * Opens for reading only (`bulwark audit`): SQLite read-only, with no pragma that writes, and
   * PostgreSQL sessions whose transactions are read-only, so an inspection can never change data.
   */
  readOnly?: boolean;
}

export interface Database {
  db: Kysely<DatabaseTables>;
  dialect: DialectName;
  schema: string | undefined;
  close: () => Promise<void>;
}

const PG_INT8_OID = 20;
/**
 * How long a write waits for another writer's lock before it is answered 503 with Retry-After:
 * SQLite's `busy_timeout`, and PostgreSQL's `lock_timeout` where a whole table is locked
 * (collection definition changes).
 */
export const WRITE_LOCK_WAIT_MS = 5000;
/** Bounds a single statement so a runaway query cannot hold a connection forever. */
const STATEMENT_TIMEOUT_MS = 30_000;

/** Opens the configured database: SQLite (WAL, foreign keys on) or a PostgreSQL pool. */
export function createDatabase(options: DatabaseOptions): Database {
  const db = options.url
    ? openPostgres(options)
    : options.readOnly
      ? openSqliteReadOnly(options.sqlitePath)
      : openSqlite(options.sqlitePath, options.sqliteSynchronous ?? 'normal');
  return {
    db,
    dialect: options.url ? 'postgres' : 'sqlite',
    schema: options.url ? options.schema : undefined,
    close: () => db.destroy(),
  };
}

function openSqlite(path: string, synchronous: 'normal' | 'full'): Kysely<DatabaseTables> {
  const isNew = !existsSync(path);
  const database = new SqliteDatabase(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${WRITE_LOCK_WAIT_MS}`);
  // WAL with NORMAL: a commit is in the WAL file (the OS holds it) before it is answered, so it
  // outlives the process (test/e2e/crash-durability-sqlite.test.ts); only the WAL's fsync waits
  // for a checkpoint, which a power cut can undo. FULL syncs the WAL at every commit.
  database.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // The database holds hashes and encrypted fields; it is for the server's user alone.
  if (isNew && path !== ':memory:') chmodSync(path, 0o600);
  return new Kysely<DatabaseTables>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

function openSqliteReadOnly(path: string): Kysely<DatabaseTables> {
  // The server may be writing: wait for its lock rather than fail, as the server itself does.
  const database = new SqliteDatabase(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  return new Kysely<DatabaseTables>({ dialect: new SqliteDialect({ database }) });
}

function openPostgres(options: DatabaseOptions): Kysely<DatabaseTables> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    ...sessionOptions(options),
    // bigint columns hold millisecond times and sequence numbers, all below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<DatabaseTables>({ dialect: new PostgresDialect({ pool }) });
}

/** libpq `options` for each session: the schema to work in, and read-only transactions when asked. */
function sessionOptions(options: DatabaseOptions): { options?: string } {
  const settings = [
    ...(options.schema ? [`-c search_path=${assertIdentifier(options.schema)}`] : []),
    ...(options.readOnly ? ['-c default_transaction_read_only=on'] : []),
  ];
  return settings.length > 0 ? { options: settings.join(' ') } : {};
}

/** Schema names come from configuration or tests, never from requests; still, refuse odd ones. */
function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return name;
}
