import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * `schema_version`: one row holding a counter that every change to `collections` bumps, in the
 * same statement and so the same transaction as the change. Each instance keeps parsed
 * collection definitions in memory for one version and reads the counter on every request (in
 * the statement that looks up the caller's credential): a different number drops what it kept.
 *
 * Triggers rather than service code, so nothing changes a definition without moving the
 * counter: the admin API on any instance, a later migration, a hand edit in psql or sqlite3.
 * (A restore runs with every instance stopped, so no instance's memory outlives it.) Should
 * the row be deleted by hand, the counter reads as NULL, and an instance that reads NULL keeps
 * nothing in memory (every request reads its definition afresh).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('schema_version')
    // One row: the CHECK keeps a second one out, so the scalar subquery that reads it never fails.
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO schema_version (id, version) VALUES (1, 1)`.execute(db);

  if (dialect === 'sqlite') {
    // SQLite triggers are per row; a change to n definitions bumps the counter n times, which is as good.
    // A trigger outlives a dropped `schema_version` (it belongs to `collections`): replace it.
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      const name = `collections_bump_schema_version_${event.toLowerCase()}`;
      await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${name} AFTER ${event} ON collections
          BEGIN UPDATE schema_version SET version = version + 1; END`,
        )
        .execute(db);
    }
  } else {
    // The counter is named in the changed table's own schema, whatever the session's search_path
    // (a psql session on another path still bumps the right row).
    await sql`CREATE OR REPLACE FUNCTION bump_schema_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('UPDATE %I.schema_version SET version = version + 1', TG_TABLE_SCHEMA);
        RETURN NULL;
      END $$`.execute(db);
    await sql`DROP TRIGGER IF EXISTS collections_bump_schema_version ON collections`.execute(db);
    await sql`CREATE TRIGGER collections_bump_schema_version
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON collections
      FOR EACH STATEMENT EXECUTE FUNCTION bump_schema_version()`.execute(db);
  }
}
