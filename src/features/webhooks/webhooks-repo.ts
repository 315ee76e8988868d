import { type Kysely, sql } from 'kysely';
import type { DatabaseTables, WebhookDeliveriesTable, WebhookDeliveryStatus, WebhooksTable } from '../../db/index.js';

/** Where a delivery attempt ended: what the log shows and when (if ever) the next one runs. */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  nextAttemptMs: number;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  nowMs: number;
}

/** A queued delivery as it is first written: pending, due at `dueMs`, nothing tried yet. */
export function pendingDelivery(fields: {
  id: string;
  webhookId: string;
  event: string;
  payload: string;
  dueMs: number;
  nowMs: number;
}): WebhookDeliveriesTable {
  return {
    id: fields.id,
    webhook_id: fields.webhookId,
    event: fields.event,
    payload: fields.payload,
    status: 'pending',
    attempts: 0,
    next_attempt_ms: fields.dueMs,
    claim_token: null,
    claimed_until_ms: null,
    last_status: null,
    last_latency_ms: null,
    last_error: null,
    created_ms: fields.nowMs,
    updated_ms: fields.nowMs,
  };
}

/** SQL of webhooks and their delivery queue; nothing else touches these tables. */
export function createWebhooksRepo(db: Kysely<DatabaseTables>) {
  return {
    insertWebhook: (row: WebhooksTable) => db.insertInto('webhooks').values(row).execute(),
    /** On `handle` when given: a record write's transaction must not wait for a second pooled connection. */
    listWebhooks: (handle: Kysely<DatabaseTables> = db) =>
      handle.selectFrom('webhooks').selectAll().orderBy('created_ms').orderBy('id').execute(),
    findWebhook: (id: string) => db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst(),
    findWebhooks: (ids: readonly string[]) =>
      ids.length === 0 ? Promise.resolve([]) : db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute(),
    /** How many deliveries of each webhook are still to be sent (`pending`), by webhook id; absent is none. */
    async countPending(ids: readonly string[]): Promise<Map<string, number>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['webhook_id', sql<number | string>`count(*)`.as('n')])
        .where('webhook_id', 'in', ids)
        .where('status', '=', 'pending')
        .groupBy('webhook_id')
        .execute();
      return new Map(rows.map((row) => [row.webhook_id, Number(row.n)]));
    },
    /** Its deliveries (queue and log) go with it (ON DELETE CASCADE). */
    async deleteWebhook(id: string): Promise<boolean> {
      const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** On `handle`, so a record write on PostgreSQL enqueues in its own transaction. */
    async insertDeliveries(handle: Kysely<DatabaseTables>, rows: WebhookDeliveriesTable[]): Promise<void> {
      if (rows.length > 0) await handle.insertInto('webhook_deliveries').values(rows).execute();
    },

    async listDeliveries(webhookId: string, page: number, perPage: number) {
      const scoped = db.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId);
      const count = await scoped.select(sql<number | string>`count(*)`.as('n')).executeTakeFirst();
      const items = await scoped
        .selectAll()
        .orderBy('created_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute();
      return { totalItems: Number(count?.n ?? 0), items };
    },

    /**
     * Claims up to `limit` due deliveries for `token` in one conditional UPDATE: a row is due
     * when pending, its time has come, and no live claim holds it. The conditions sit on the
     * UPDATE itself, so when two instances race for a row, PostgreSQL re-checks them on the row
     * the winner changed and the loser's UPDATE skips it (SQLite runs one writer at a time).
     * A claim whose instance died lapses at `claimed_until_ms`.
     */
    claimDue(input: { token: string; nowMs: number; leaseMs: number; limit: number }) {
      const { token, nowMs, leaseMs, limit } = input;
      return db
        .updateTable('webhook_deliveries')
        .set({ claim_token: token, claimed_until_ms: nowMs + leaseMs })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_ms', '<=', nowMs)
            .where((w) => w.or([w('claimed_until_ms', 'is', null), w('claimed_until_ms', '<', nowMs)]))
            .orderBy('next_attempt_ms')
            .limit(limit),
        )
        .where('status', '=', 'pending')
        .where('next_attempt_ms', '<=', nowMs)
        .where((w) => w.or([w('claimed_until_ms', 'is', null), w('claimed_until_ms', '<', nowMs)]))
        .returningAll()
        .execute();
    },

    /** Deletes finished deliveries last changed before `cutoffMs` (log retention); pending ones stay. */
    async deleteFinishedBefore(cutoffMs: number): Promise<number> {
      const result = await db
        .deleteFrom('webhook_deliveries')
        .where('status', '!=', 'pending')
        .where('updated_ms', '<', cutoffMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Records an attempt and releases the claim; false when the claim was lost (lease lapsed). */
    async finishAttempt(id: string, token: string, outcome: AttemptOutcome): Promise<boolean> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: outcome.status,
          attempts: eb('attempts', '+', 1),
          next_attempt_ms: outcome.nextAttemptMs,
          last_status: outcome.httpStatus,
          last_latency_ms: outcome.latencyMs,
          last_error: outcome.error,
          claim_token: null,
          claimed_until_ms: null,
          updated_ms: outcome.nowMs,
        }))
        .where('id', '=', id)
        .where('claim_token', '=', token)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
