import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../../db/index.js';

/** SQL of the shipping cursor and its lease; nothing else touches `audit_shipping`. */
export function createShippingRepo(db: Kysely<DatabaseTables>) {
  return {
    /**
     * Takes or renews the lease of `target` for `holder` in one conditional UPDATE: it succeeds
     * when nobody holds the row, `holder` already does, or the holder's lease has lapsed (its
     * instance died). PostgreSQL re-checks the conditions on the row a racing winner changed, so
     * of two instances exactly one gets it. Returns the cursor when held, else null.
     */
    async takeLease(input: { target: string; holder: string; nowMs: number; leaseMs: number }): Promise<number | null> {
      const { target, holder, nowMs, leaseMs } = input;
      await db
        .insertInto('audit_shipping')
        .values({ target, shipped_seq: 0, holder: null, lease_until_ms: null, updated_ms: nowMs })
        .onConflict((oc) => oc.column('target').doNothing())
        .execute();
      const row = await db
        .updateTable('audit_shipping')
        .set({ holder, lease_until_ms: nowMs + leaseMs })
        .where('target', '=', target)
        .where((w) => w.or([w('holder', 'is', null), w('holder', '=', holder), w('lease_until_ms', '<', nowMs)]))
        .returning('shipped_seq')
        .executeTakeFirst();
      return row ? Number(row.shipped_seq) : null;
    },

    /** Moves the cursor to `seq` while `holder` still holds the lease; false when it was lost. */
    async advance(input: { target: string; holder: string; seq: number; nowMs: number }): Promise<boolean> {
      const result = await db
        .updateTable('audit_shipping')
        .set({ shipped_seq: input.seq, updated_ms: input.nowMs })
        .where('target', '=', input.target)
        .where('holder', '=', input.holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Moves the cursor back to `seq` (never forward), so entries possibly lost in transit go again. */
    async rewind(input: { target: string; holder: string; seq: number; nowMs: number }): Promise<void> {
      await db
        .updateTable('audit_shipping')
        .set({ shipped_seq: input.seq, updated_ms: input.nowMs })
        .where('target', '=', input.target)
        .where('holder', '=', input.holder)
        .where('shipped_seq', '>', input.seq)
        .execute();
    },

    /** Gives the lease up at shutdown, so another instance takes over without waiting for it to lapse. */
    async releaseLease(target: string, holder: string): Promise<void> {
      await db
        .updateTable('audit_shipping')
        .set({ holder: null, lease_until_ms: null })
        .where('target', '=', target)
        .where('holder', '=', holder)
        .execute();
    },

    /** The cursor of `target`, or null when nothing was ever shipped there. */
    async findCursor(target: string): Promise<number | null> {
      const row = await db
        .selectFrom('audit_shipping')
        .select('shipped_seq')
        .where('target', '=', target)
        .executeTakeFirst();
      return row ? Number(row.shipped_seq) : null;
    },
  };
}

export type ShippingRepo = ReturnType<typeof createShippingRepo>;
