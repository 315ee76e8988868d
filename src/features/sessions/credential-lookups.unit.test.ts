import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DatabaseTables, DialectName } from '../../db/index.js';
import { createApiKeysRepo } from '../api-keys/api-keys-repo.js';
import { createSessionsRepo } from './sessions-repo.js';

/** A Kysely that runs nothing and records the SQL and values of every statement sent. */
function recordingDb(dialect: DialectName) {
  const sent: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const isPostgres = dialect === 'postgres';
  const db = new Kysely<DatabaseTables>({
    dialect: {
      createAdapter: () => (isPostgres ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (handle) => (isPostgres ? new PostgresIntrospector(handle) : new SqliteIntrospector(handle)),
      createQueryCompiler: () => (isPostgres ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
    log: (event) => {
      sent.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  return { db, sent };
}

/**
 * The credential lookups every authenticated request makes are one statement each, and that
 * statement also returns the schema version the definition cache is checked against, so
 * PostgreSQL pays no extra round trip for it. The credential itself is still read every time.
 */
describe.each(['sqlite', 'postgres'] as const)('credential lookups on %s', (dialect) => {
  const lookups = [
    ['access token', (db: Kysely<DatabaseTables>, hash: string) => createSessionsRepo(db).findAccessToken(hash)],
    ['browser session', (db: Kysely<DatabaseTables>, hash: string) => createSessionsRepo(db).findByTokenHash(hash)],
    ['API key', (db: Kysely<DatabaseTables>, hash: string) => createApiKeysRepo(db).findByHash(hash)],
  ] as const;

  it.each(lookups)(
    'the %s lookup is one statement carrying the schema version, bound anew each call',
    async (_, find) => {
      const { db, sent } = recordingDb(dialect);
      await find(db, 'hash-1');
      await find(db, 'hash-2');
      expect(sent.map((statement) => statement.parameters)).toEqual([['hash-1'], ['hash-2']]);
      for (const statement of sent) {
        expect(statement.sql).toContain('(SELECT version FROM schema_version) as "schema_version"');
      }
    },
  );
});
