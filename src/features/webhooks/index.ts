import type { Kysely } from 'kysely';
import type { FrozenConfig } from '../../config/index.js';
import type { Database, DatabaseTables } from '../../db/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { AuditSink } from '../audit/index.js';
import { createDeliveryWorker } from './delivery-worker.js';
import { registerWebhookAdminRoutes } from './routes/webhook-admin-routes.js';
import { registerWebhookDeliveryRoutes } from './routes/webhook-delivery-routes.js';
import { type ObservedAuditEvent, webhookEventForAudit } from './webhook-events.js';
import { createSecretBox } from './webhook-secret.js';
import { createWebhooksRepo } from './webhooks-repo.js';
import { createWebhooksService } from './webhooks-service.js';

export { secretKeyBytes } from './webhook-secret.js';
export { signDelivery } from './webhook-signer.js';

export interface WebhooksFeatureOptions {
  database: Database;
  audit: AuditSink;
  /** Every delivery goes through the outbound guard; nothing here opens a connection itself. */
  outbound: Pick<OutboundClient, 'request' | 'checkUrl'>;
  /** `deriveKey('webhook-secrets')`: seals the signing secrets at rest. */
  secretsKey: Buffer;
  policy: FrozenConfig['webhooks'];
  stepUpWindowSeconds: number;
  /** Where a failed round of the worker is reported (the server's log). */
  onError: (error: unknown) => void;
  /** Told of each recorded delivery attempt's outcome (metrics). */
  onDeliveryAttempt?: (outcome: 'succeeded' | 'failed' | 'dead') => void;
  now?: () => number;
}

/** A record write the collections feature reports, already reduced to what a receiver may see. */
export interface RecordChange {
  action: 'created' | 'updated' | 'deleted';
  collection: string;
  record: Record<string, unknown>;
}

/** Webhooks: admin routes, the durable delivery queue and its worker, and the events that feed it. */
export function createWebhooksFeature(options: WebhooksFeatureOptions) {
  const now = options.now ?? Date.now;
  const repo = createWebhooksRepo(options.database.db);
  const secrets = createSecretBox(options.secretsKey);
  const service = createWebhooksService({ db: options.database.db, repo, outbound: options.outbound, secrets, now });
  const worker = createDeliveryWorker({
    repo,
    outbound: options.outbound,
    secrets,
    audit: options.audit,
    policy: options.policy,
    onError: options.onError,
    onAttempt: options.onDeliveryAttempt,
    now,
  });
  const routeDeps = { audit: options.audit, stepUpWindowSeconds: options.stepUpWindowSeconds, now };

  return {
    registerRoutes(app: HttpApp): void {
      registerWebhookAdminRoutes(app, service, routeDeps);
      registerWebhookDeliveryRoutes(app, service, routeDeps);
    },
    /** For the collections feature: queues `record.*` on the write's own handle (its transaction on PostgreSQL). */
    onRecordChange: (change: RecordChange, handle: Kysely<DatabaseTables>) =>
      service.enqueue(`record.${change.action}`, { collection: change.collection, record: change.record }, handle),
    /** For the audit log: queues the `user.*` event an audit event stands for, if any. */
    async onAuditEvent(event: ObservedAuditEvent): Promise<void> {
      const mapped = webhookEventForAudit(event);
      if (mapped) await service.enqueue(mapped.event, mapped.data);
    },
    start: () => worker.start(),
    /** Stops polling and waits until the attempts under way are recorded. */
    stop: () => worker.stop(),
  };
}

export type WebhooksFeature = ReturnType<typeof createWebhooksFeature>;
