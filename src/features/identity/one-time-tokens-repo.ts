import type { Kysely } from 'kysely';
import type { DatabaseTables, OneTimeTokensTable } from '../../db/index.js';

export type OneTimePurpose = OneTimeTokensTable['purpose'];

/** SQL for single-use tokens (set-up, email verification, password reset). */
export function createOneTimeTokensRepo(db: Kysely<DatabaseTables>) {
  return {
    insert: (row: OneTimeTokensTable) => db.insertInto('one_time_tokens').values(row).execute(),
    /** Unused tokens of a purpose (and user) are dropped when a new one is issued. */
    deleteUnused: (purpose: OneTimePurpose, userId: string | null) => {
      let query = db.deleteFrom('one_time_tokens').where('purpose', '=', purpose).where('used_ms', 'is', null);
      query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
      return query.execute();
    },
    /** A token that could still be spent, without spending it (to validate input first). */
    findLive: (tokenHash: string, purpose: OneTimePurpose, nowMs: number) =>
      db
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_ms', 'is', null)
        .where('expires_ms', '>', nowMs)
        .executeTakeFirst(),
    /**
     * Spends a token with one conditional write; returns the row only to the one caller whose
     * write took effect, so two simultaneous uses, on any instances, give one success.
     */
    spend: async (tokenHash: string, purpose: OneTimePurpose, nowMs: number) => {
      const result = await db
        .updateTable('one_time_tokens')
        .set({ used_ms: nowMs })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_ms', 'is', null)
        .where('expires_ms', '>', nowMs)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      return db.selectFrom('one_time_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },
  };
}
