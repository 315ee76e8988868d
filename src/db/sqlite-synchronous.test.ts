import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type RestartableTestApp, testDialect } from '../../test/helpers/test-app.js';
import { loadConfig } from '../config/index.js';

/**
 * Issue 22 item 6: the SQLite durability settings as the server opens its database. WAL with
 * synchronous=NORMAL by default (a commit outlives kill -9: test/e2e/crash-durability-sqlite),
 * and `database.sqliteSynchronous: full` for a commit that must outlive a power cut too.
 */
const opened: RestartableTestApp[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

async function pragmas(env: Record<string, string> = {}) {
  const app = await createTestApp({ env });
  opened.push(app);
  const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(app.database.db);
  const sync = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(app.database.db);
  return { journalMode: mode.rows[0]?.journal_mode, synchronous: sync.rows[0]?.synchronous };
}

describe.skipIf(testDialect() === 'postgres')('SQLite durability settings', () => {
  it('by default the database is in WAL mode with synchronous=NORMAL (1)', async () => {
    expect(await pragmas()).toEqual({ journalMode: 'wal', synchronous: 1 });
  });

  it('database.sqliteSynchronous=full gives synchronous=FULL (2): each commit synced before it is answered', async () => {
    expect(await pragmas({ BULWARK_DATABASE_SQLITE_SYNCHRONOUS: 'full' })).toEqual({
      journalMode: 'wal',
      synchronous: 2,
    });
  });

  it('a value below normal is refused at start, naming the key', () => {
    expect(() => loadConfig({ env: { BULWARK_DATABASE_SQLITE_SYNCHRONOUS: 'off' }, cwd: '/' })).toThrow(
      /database\.sqliteSynchronous/,
    );
  });
});
