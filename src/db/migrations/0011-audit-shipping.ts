import type { Kysely } from 'kysely';

/**
 * Where shipping of the audit log to each syslog receiver stands, one row per target (its
 * URL): `shipped_seq` is the last entry whose write to the receiver's socket completed, so a
 * restart or a receiver outage resumes from there (at least once, in order). On PostgreSQL
 * several instances share the row: `holder` and `lease_until_ms` are a lease taken and renewed
 * by one conditional UPDATE, so one instance ships and the others stand by until it lapses.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_shipping')
    .addColumn('target', 'text', (c) => c.primaryKey())
    .addColumn('shipped_seq', 'bigint', (c) => c.notNull())
    .addColumn('holder', 'text')
    .addColumn('lease_until_ms', 'bigint')
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .execute();
}
