import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  expectProblem,
  newAdmin,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { useTestApp } from '../../../test/helpers/test-app.js';

/**
 * A definition change that waits longer than Bulwark waits for a lock (5 s) while another
 * writer holds it (on SQLite another process, such as `bulwark schema apply`; on PostgreSQL
 * another instance's change) is answered 503 with Retry-After and changes nothing; the same
 * request once the lock is free succeeds. Before, it was a bare 500 (PostgreSQL waited 30 s).
 */
describe('a collection change while another writer holds the lock', { timeout: 60_000 }, () => {
  const app = useTestApp({ logLevel: 'silent' });
  let admin: Account;
  beforeAll(async () => {
    admin = await newAdmin(app);
  });

  /** Holds the lock a definition change needs, from outside the request, until `release` is called. */
  const holdDefinitionsLock = async (): Promise<{ release: () => Promise<void> }> => {
    if (app.database.dialect === 'postgres') {
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let held = () => {};
      const taken = new Promise<void>((resolve) => {
        held = resolve;
      });
      const holding = app.database.db.connection().execute(async (connection) => {
        await sql`begin`.execute(connection);
        await sql`LOCK TABLE collections IN SHARE ROW EXCLUSIVE MODE`.execute(connection);
        held();
        await released;
        await sql`rollback`.execute(connection);
      });
      await taken;
      return {
        release: async () => {
          release();
          await holding;
        },
      };
    }
    // Another process's connection to the same file, as `bulwark schema apply` beside the server.
    const other = new SqliteDatabase(join(app.dataDir, 'bulwark.db'));
    other.exec('BEGIN IMMEDIATE');
    return {
      release: async () => {
        other.exec('ROLLBACK');
        other.close();
      },
    };
  };

  it('answers 503 with Retry-After, changes nothing, and succeeds once the lock is free', async () => {
    const name = uniqueName('waiting');
    const definition = { name, fields: [{ name: 'title', type: 'text' }], rules: {} };
    const lock = await holdDefinitionsLock();
    let busy: Awaited<ReturnType<ReturnType<typeof adminApi>['create']>>;
    try {
      busy = await adminApi(app).create(admin.headers, definition);
    } finally {
      await lock.release();
    }
    expectProblem(busy, 503, 'HTTP_UNAVAILABLE');
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json().detail).toBe('The database is busy with another change; try again in a moment.');
    expectProblem(await adminApi(app).get(admin.headers, name), 404);

    const retried = await adminApi(app).create(admin.headers, definition);
    expect(retried.statusCode, retried.body).toBe(201);
  });
});
