import type { Kysely } from 'kysely';

/**
 * The root secret every purpose key is derived from, wrapped under the master key version that
 * unlocks it (`bulwark keys rotate --master`). The master key is then a key-encryption key:
 * rotating it re-wraps the root, and every derived key, session, audit chain and sealed value
 * stays valid. No row: the root is the master key itself (every installation until its first
 * master-key rotation), so an upgrade changes nothing. Only the newest version is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('master_key_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('wrapped_root', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();
}
