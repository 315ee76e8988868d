import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { PG_DUMP, pgConnectionOf, runPgTool } from './pg-tools.js';

/** What the manifest counts, read from the snapshot itself so the numbers describe what is in the file. */
export interface DataCounts {
  users: number;
  collections: number;
  files: number;
  auditEntries: number;
}

export interface DatabaseSnapshot {
  /** The snapshot file in the work folder. */
  path: string;
  /** Its name inside the archive. */
  entryName: string;
  counts: DataCounts;
}

export const SQLITE_ENTRY = 'database/bulwark.db';
export const POSTGRES_ENTRY = 'database/bulwark.pgdump';
const COUNTS_SQL = `SELECT
  (SELECT count(*) FROM users) AS users,
  (SELECT count(*) FROM collections) AS collections,
  (SELECT count(*) FROM files) AS files,
  (SELECT count(*) FROM audit_log) AS audit_entries`;
/** A page count larger than any database: the whole copy happens in one step (see below). */
const ALL_PAGES = 0x7fffffff;

function countsOf(row: Record<string, unknown> | undefined): DataCounts {
  return {
    users: Number(row?.users ?? 0),
    collections: Number(row?.collections ?? 0),
    files: Number(row?.files ?? 0),
    auditEntries: Number(row?.audit_entries ?? 0),
  };
}

/**
 * SQLite's online backup API, copying every page in one step: one read transaction, so the copy
 * is the database at one instant while the server goes on writing (WAL lets readers and the
 * writer run together). Copied in smaller steps, a write from the server would restart it.
 */
async function snapshotSqlite(sqlitePath: string, workDir: string): Promise<DatabaseSnapshot> {
  const path = join(workDir, 'bulwark.db');
  const source = new SqliteDatabase(sqlitePath, { fileMustExist: true, timeout: 5000 });
  try {
    await source.backup(path, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  // Not read-only: the copy is in WAL mode like its source, and reading it needs its -shm file.
  const copy = new SqliteDatabase(path, { fileMustExist: true });
  try {
    return {
      path,
      entryName: SQLITE_ENTRY,
      counts: countsOf(copy.prepare(COUNTS_SQL).get() as Record<string, unknown>),
    };
  } finally {
    copy.close();
  }
}

/**
 * pg_dump in its custom format, inside a snapshot this process exported from a REPEATABLE READ
 * transaction: the counts in the manifest and the dump see the same instant.
 */
async function snapshotPostgres(databaseUrl: string, workDir: string): Promise<DatabaseSnapshot> {
  const path = join(workDir, 'bulwark.pgdump');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshotId = String((await client.query('SELECT pg_export_snapshot() AS id')).rows[0]?.id);
    const counts = countsOf((await client.query(COUNTS_SQL)).rows[0]);
    const connection = pgConnectionOf(databaseUrl);
    await runPgTool(
      PG_DUMP,
      [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshotId}`,
        `--file=${path}`,
        `--dbname=${connection.uri}`,
      ],
      connection.env,
    );
    await client.query('COMMIT');
    return { path, entryName: POSTGRES_ENTRY, counts };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A consistent copy of the configured database in `workDir`, taken while the server runs. */
export function snapshotDatabase(
  database: { url: string | undefined; sqlitePath: string },
  workDir: string,
): Promise<DatabaseSnapshot> {
  return database.url ? snapshotPostgres(database.url, workDir) : snapshotSqlite(database.sqlitePath, workDir);
}
