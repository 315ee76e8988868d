import type { Kysely } from 'kysely';

/**
 * Marks each audit entry with how its hash was made: 1 for the plain SHA-256 chain that entries
 * written before this migration carry (so they verify as before), 2 for the keyed chain
 * (HMAC-SHA256 under a key derived from the master key) that every new entry uses. Adding a
 * column with a constant default rewrites no row, so the append-only triggers are not involved.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    .addColumn('chain_version', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}
