import type { Kysely } from 'kysely';

/**
 * Sign-in throttles and bans in the database, so a restart does not lift them when there is no
 * Redis (and, on PostgreSQL, so several instances share them). `abuse_counters` holds the
 * failure counters behind account locks and bans, one row per budget and key; `abuse_bans` the
 * addresses refused on every route. Rows past their expiry are ignored when read and deleted
 * by a periodic sweep (indexes on the expiry columns keep that sweep cheap).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('abuse_counters')
    // `<budget>:<key>`, e.g. `signin-account:ada@example.com`.
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    // Null: never expires (a budget without a window); no budget of Bulwark's uses that.
    .addColumn('expires_ms', 'bigint')
    .execute();
  await db.schema.createIndex('abuse_counters_expires').on('abuse_counters').column('expires_ms').execute();

  await db.schema
    .createTable('abuse_bans')
    // The client's key: an IPv4 address or an IPv6 network (`2001:db8:1:2::/64`).
    .addColumn('client_key', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('since_ms', 'bigint', (c) => c.notNull())
    .addColumn('until_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('abuse_bans_until').on('abuse_bans').column('until_ms').execute();
}
