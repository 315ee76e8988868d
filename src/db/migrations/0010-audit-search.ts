import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * Audit search and retention.
 *
 * Indexes for `GET /api/admin/audit` filters: by actor, by address and by time alone (by type
 * exists since 0001). On PostgreSQL the type is indexed once more in byte order (`COLLATE "C"`)
 * so that an event family (`auth.*`) is an index range whatever the database's collation.
 *
 * `audit_retention` holds the retention anchors: before pruning deletes the oldest entries, the
 * server records the seq, hash and version of the last one it deletes, signed with a key derived
 * from the master key (the database never sees it). `bulwark log verify` starts the chain from
 * the newest anchor, so the remaining entries still prove themselves. The table is append-only.
 *
 * The append-only guard of `audit_log` is replaced by one that lets DELETE through only for
 * entries at or below the newest anchor: pruning needs no trigger switched off, and someone
 * with the application's SQL still cannot delete an entry in the middle. Inserting a forged
 * anchor would open the door, and is what `log verify` reports (its signature does not hold).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const index = (name: string, columns: string[]) =>
    db.schema.createIndex(name).ifNotExists().on('audit_log').columns(columns).execute();
  await index('audit_log_actor_at', ['actor', 'at_ms']);
  await index('audit_log_ip_at', ['ip', 'at_ms']);
  await index('audit_log_at', ['at_ms']);
  if (dialect === 'postgres') {
    await sql`CREATE INDEX IF NOT EXISTS audit_log_type_bytes_at ON audit_log (type COLLATE "C", at_ms)`.execute(db);
  }

  await db.schema
    .createTable('audit_retention')
    .ifNotExists()
    // The last entry deleted by this pruning: the remaining chain continues from it.
    .addColumn('through_seq', 'bigint', (c) => c.primaryKey())
    .addColumn('through_hash', 'text', (c) => c.notNull())
    .addColumn('through_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('chain_version', 'integer', (c) => c.notNull())
    .addColumn('pruned_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    // HMAC-SHA256 under the audit-retention key over every other column.
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();

  if (dialect === 'sqlite') {
    await sql`DROP TRIGGER IF EXISTS audit_log_no_delete`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      WHEN OLD.seq > COALESCE((SELECT MAX(through_seq) FROM audit_retention), 0)
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER IF NOT EXISTS audit_retention_no_change BEFORE UPDATE ON audit_retention
      BEGIN SELECT RAISE(ABORT, 'audit_retention is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER IF NOT EXISTS audit_retention_no_delete BEFORE DELETE ON audit_retention
      BEGIN SELECT RAISE(ABORT, 'audit_retention is append-only'); END`.execute(db);
  } else {
    await sql`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT COALESCE(MAX(through_seq), 0) FROM audit_retention) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`.execute(db);
    await sql`CREATE OR REPLACE FUNCTION audit_retention_append_only() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'audit_retention is append-only'; END $$`.execute(db);
    await sql`CREATE TRIGGER audit_retention_no_change BEFORE UPDATE OR DELETE ON audit_retention
      FOR EACH ROW EXECUTE FUNCTION audit_retention_append_only()`.execute(db);
  }
}
