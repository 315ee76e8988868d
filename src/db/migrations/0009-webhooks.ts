import type { Kysely } from 'kysely';

/**
 * Webhooks and their durable delivery queue. `webhooks` holds what an administrator registered
 * (the signing secret sealed under the `webhook-secrets` key, never in clear). Each event
 * writes one `webhook_deliveries` row per subscribed webhook when it happens, so a restart or a
 * crash loses nothing; the row is also the delivery log. A worker claims due rows by setting
 * `claim_token` and `claimed_until_ms` in one conditional UPDATE; a row whose claimer died is
 * claimable again once `claimed_until_ms` has passed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    // JSON array of event names and `family.*` patterns.
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    // The Standard Webhooks message id (`webhook-id`), the same on every attempt.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    // The exact JSON body that is signed and sent, fixed when the event happens.
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending | succeeded | failed (refused by the outbound policy) | dead (attempts used up).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until_ms', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .execute();
  // The worker's query: due pending rows, oldest first.
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_ms'])
    .execute();
  // The delivery log of one webhook, newest first.
  await db.schema
    .createIndex('webhook_deliveries_log')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_ms'])
    .execute();
}
