import type { Kysely } from 'kysely';

/**
 * `api_keys.made_from_shell`: 1 for an administrator key made by `bulwark keys create --admin`
 * on the server's shell, which counts as the owner's proof and so is not held back while its
 * owner has no second factor (features/sessions/authenticate.ts). Every existing key, and every key
 * made over HTTP or by rotation, is 0; nothing over HTTP can set it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('made_from_shell', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
