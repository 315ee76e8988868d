import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from './create-database.js';
import { writeTransaction } from './write-transaction.js';

/**
 * A command (its own process, its own connection) appends to the audit log beside a server
 * writing the same SQLite file. A deferred transaction that read before the server's commit
 * could not write after it (SQLITE_BUSY_SNAPSHOT, no waiting); writeTransaction holds the
 * write lock from its start, so the other writer waits instead and this one completes.
 */
describe('writeTransaction on SQLite', () => {
  let folder: string;
  let database: Database;
  let other: SqliteDatabase.Database;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'bulwark-write-trx-'));
    database = createDatabase({ sqlitePath: join(folder, 'test.db') });
    await sql`CREATE TABLE t (n INTEGER NOT NULL)`.execute(database.db);
    await sql`INSERT INTO t VALUES (1)`.execute(database.db);
    // Another process's connection; it does not wait, so the test never blocks on it.
    other = new SqliteDatabase(join(folder, 'test.db'));
    other.pragma('busy_timeout = 0');
  });
  afterEach(async () => {
    other.close();
    await database.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reads, lets no other connection commit in between, then writes', async () => {
    let otherWrite = 'not tried';
    await writeTransaction(database, async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT max(n) AS n FROM t`.execute(trx);
      try {
        other.exec('INSERT INTO t VALUES (100)');
        otherWrite = 'committed';
      } catch (error) {
        otherWrite = (error as { code?: string }).code ?? 'failed';
      }
      await sql`INSERT INTO t VALUES (${(rows[0]?.n ?? 0) + 1})`.execute(trx);
    });
    expect(otherWrite).toBe('SQLITE_BUSY');
    const { rows } = await sql<{ n: number }>`SELECT n FROM t ORDER BY n`.execute(database.db);
    expect(rows.map((row) => row.n)).toEqual([1, 2]);
  });

  it('rolls back when the work fails', async () => {
    await expect(
      writeTransaction(database, async (trx) => {
        await sql`INSERT INTO t VALUES (5)`.execute(trx);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    const { rows } = await sql<{ n: number }>`SELECT n FROM t`.execute(database.db);
    expect(rows.map((row) => row.n)).toEqual([1]);
  });
});
