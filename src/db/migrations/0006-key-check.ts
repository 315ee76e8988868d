import type { Kysely } from 'kysely';

/**
 * The key-check value: an HMAC of a fixed label under a key derived from the master key,
 * written at the first start. A start with another master key computes a different value and
 * is refused before it serves, instead of failing later as a 500 at the first encrypted read.
 * One row per checked key, named by `name` (today only `master-key`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('key_check')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('mac', 'text', (col) => col.notNull())
    .addColumn('created_ms', 'bigint', (col) => col.notNull())
    .execute();
}
