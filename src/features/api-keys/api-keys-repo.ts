import type { Kysely } from 'kysely';
import { type ApiKeysTable, type DatabaseTables, runCompiled, schemaVersionColumn } from '../../db/index.js';

/** SQL for API keys, and nothing else. */
export function createApiKeysRepo(db: Kysely<DatabaseTables>) {
  // The lookup every API-key request makes: compiled once, bound per call; it also returns the
  // schema version (see db/schema-version.ts) in the same statement.
  const byHash = db.selectFrom('api_keys').selectAll().select(schemaVersionColumn).where('key_hash', '=', '').compile();
  return {
    insert: (row: ApiKeysTable) => db.insertInto('api_keys').values(row).execute(),
    findByHash: async (keyHash: string) => (await runCompiled(db, byHash, [keyHash]))[0],
    findOwned: (id: string, userId: string) =>
      db.selectFrom('api_keys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    listForUser: (userId: string) =>
      db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).orderBy('created_ms', 'desc').execute(),
    listAll: () =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .selectAll('api_keys')
        .select('users.email')
        .orderBy('api_keys.created_ms', 'desc')
        .execute(),
    findWithOwner: (id: string) =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .selectAll('api_keys')
        .select('users.email')
        .where('api_keys.id', '=', id)
        .executeTakeFirst(),
    setExpiry: (id: string, expiresMs: number) =>
      db.updateTable('api_keys').set({ expires_ms: expiresMs }).where('id', '=', id).execute(),
    revoke: (id: string, nowMs: number) =>
      db
        .updateTable('api_keys')
        .set({ revoked_ms: nowMs })
        .where('id', '=', id)
        .where('revoked_ms', 'is', null)
        .execute(),
    /** Revokes every live key of the user at once; returns the result with the count. */
    revokeAllForUser: (userId: string, nowMs: number) =>
      db
        .updateTable('api_keys')
        .set({ revoked_ms: nowMs })
        .where('user_id', '=', userId)
        .where('revoked_ms', 'is', null)
        .executeTakeFirst(),
    touch: (id: string, nowMs: number) =>
      db.updateTable('api_keys').set({ last_used_ms: nowMs }).where('id', '=', id).execute(),
  };
}
