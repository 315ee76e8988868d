import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.js';

describe('withStatementCache', () => {
  let database: SqliteDatabase.Database;
  afterEach(() => {
    if (database.open) database.close();
  });

  const open = (max?: number) => {
    database = new SqliteDatabase(':memory:');
    database.exec(
      "CREATE TABLE t (id TEXT PRIMARY KEY, owner TEXT NOT NULL); INSERT INTO t VALUES ('1', 'a'), ('2', 'b')",
    );
    return withStatementCache(database, max);
  };

  it('reuses the prepared statement for the same SQL text and binds new values on every run', () => {
    const cache = open();
    const first = cache.prepare('SELECT id FROM t WHERE owner = ?');
    expect(first.all(['a'])).toEqual([{ id: '1' }]);
    const again = cache.prepare('SELECT id FROM t WHERE owner = ?');
    expect(again).toBe(first);
    expect(again.all(['b'])).toEqual([{ id: '2' }]);
    expect(again.all(["a' OR 1=1 --"])).toEqual([]);
  });

  it('follows schema changes made after the statement was cached', () => {
    const cache = open();
    expect(cache.prepare('SELECT * FROM t WHERE id = ?').all(['1'])).toEqual([{ id: '1', owner: 'a' }]);
    database.exec("ALTER TABLE t ADD COLUMN title TEXT NOT NULL DEFAULT ''");
    expect(cache.prepare('SELECT * FROM t WHERE id = ?').all(['1'])).toEqual([{ id: '1', owner: 'a', title: '' }]);
    database.exec('DROP TABLE t');
    expect(() => cache.prepare('SELECT * FROM t WHERE id = ?').all(['1'])).toThrow(/no such table/);
  });

  it('never hands out a statement that is still being iterated', () => {
    const cache = open();
    const streaming = cache.prepare('SELECT id FROM t ORDER BY id');
    const rows = streaming.iterate([]);
    rows.next();
    const other = cache.prepare('SELECT id FROM t ORDER BY id');
    expect(other).not.toBe(streaming);
    expect(other.all([])).toEqual([{ id: '1' }, { id: '2' }]);
    rows.return?.();
  });

  it('keeps at most the configured number of statements, dropping the least recently used', () => {
    const cache = open(2);
    const a = cache.prepare('SELECT 1');
    const b = cache.prepare('SELECT 2');
    expect(cache.prepare('SELECT 1')).toBe(a);
    cache.prepare('SELECT 3');
    expect(cache.prepare('SELECT 1')).toBe(a);
    expect(cache.prepare('SELECT 2')).not.toBe(b);
  });

  it('serves Kysely queries, transactions and streams', async () => {
    const db = new Kysely<{ t: { id: string; owner: string } }>({ dialect: new SqliteDialect({ database: open() }) });
    const byOwner = (owner: string) => db.selectFrom('t').select('id').where('owner', '=', owner).execute();
    expect(await byOwner('a')).toEqual([{ id: '1' }]);
    expect(await byOwner('b')).toEqual([{ id: '2' }]);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: '3', owner: 'a' }).execute();
    });
    expect(await byOwner('a')).toEqual([{ id: '1' }, { id: '3' }]);
    const streamed: string[] = [];
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) streamed.push(row.id);
    expect(streamed).toEqual(['1', '2', '3']);
    expect((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM t`.execute(db)).rows).toEqual([{ n: 3 }]);
    await db.destroy();
    expect(database.open).toBe(false);
  });
});
