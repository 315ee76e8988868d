import type { Kysely } from 'kysely';
import type { AuditLogTable, DatabaseTables } from '../../db/index.js';

/** SQL for the audit log, and nothing else. */
export function createAuditRepo(db: Kysely<DatabaseTables>) {
  return {
    findLast: (trx: Kysely<DatabaseTables> = db) =>
      trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst(),

    /** The stored hash of entry `seq`, to check that an anchored entry is still there. */
    findHash: async (seq: number) =>
      (await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash,

    /** The last entry deleted by pruning (0 when none): the newest retention anchor's seq. */
    findPrunedThrough: async () =>
      (
        await db
          .selectFrom('audit_retention')
          .select('through_seq')
          .orderBy('through_seq', 'desc')
          .limit(1)
          .executeTakeFirst()
      )?.through_seq ?? 0,

    insert: (row: AuditLogTable, trx: Kysely<DatabaseTables> = db) => trx.insertInto('audit_log').values(row).execute(),

    /** Entries after `afterSeq` in order, a page at a time, so verifying never loads the whole log. */
    listAfter: (afterSeq: number, limit: number) =>
      db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute(),

    listRecent: (limit: number, type?: string) => {
      let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
      if (type) query = query.where('type', '=', type);
      return query.execute();
    },
  };
}
