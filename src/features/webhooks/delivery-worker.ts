import { randomUUID } from 'node:crypto';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../db/index.js';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { AuditSink } from '../audit/index.js';
import { attemptOutcome } from './retry-schedule.js';
import { SECRET_UNREADABLE, sendDelivery } from './send-delivery.js';
import type { SecretBox } from './webhook-secret.js';
import type { WebhooksRepo } from './webhooks-repo.js';

export interface DeliveryPolicy {
  pollIntervalMs: number;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  logRetentionDays: number;
}

/** The delivery log is pruned at most this often per instance (and at each start). */
const LOG_SWEEP_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Sends due deliveries: polls the queue, claims a batch with one conditional UPDATE (so no two
 * instances send the same attempt), signs and posts each through the outbound guard, then
 * records the outcome and either finishes the row or schedules a retry with backoff and jitter.
 * `stop()` stops polling and waits for the attempts under way to be recorded.
 */
export function createDeliveryWorker(deps: {
  repo: WebhooksRepo;
  outbound: Pick<OutboundClient, 'request'>;
  secrets: SecretBox;
  audit: AuditSink;
  policy: DeliveryPolicy;
  onError: (error: unknown) => void;
  /** Told of each recorded attempt: succeeded, failed (retried or refused) or dead (metrics). */
  onAttempt?: ((outcome: 'succeeded' | 'failed' | 'dead') => void) | undefined;
  now: () => number;
}) {
  const { repo, policy, now } = deps;
  const token = randomUUID();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let isStopped = false;
  let lastSweepMs = Number.NEGATIVE_INFINITY;

  /** Keeps the log (and the table) bounded: finished deliveries past the retention go. */
  const sweepLog = async () => {
    if (now() - lastSweepMs < LOG_SWEEP_INTERVAL_MS) return;
    lastSweepMs = now();
    await repo.deleteFinishedBefore(now() - policy.logRetentionDays * DAY_MS);
  };

  const deliver = async (delivery: WebhookDeliveriesTable, webhook: WebhooksTable) => {
    const startedMs = now();
    const result = await sendDelivery(deps, delivery, webhook);
    const outcome = attemptOutcome(
      { attemptsBefore: delivery.attempts, result, latencyMs: Math.max(0, now() - startedMs), nowMs: now() },
      policy,
    );
    const isRecorded = await repo.finishAttempt(delivery.id, token, outcome);
    // Only the instance whose attempt was recorded counts it (another may have taken the lease).
    if (isRecorded) deps.onAttempt?.(outcome.status === 'pending' ? 'failed' : outcome.status);
    // Given up, or a sealed secret that no longer opens (tampered with in the database).
    const auditType =
      outcome.status === 'dead'
        ? 'webhook.delivery.dead'
        : outcome.error === SECRET_UNREADABLE
          ? 'webhook.secret.unreadable'
          : null;
    if (isRecorded && auditType) {
      await deps.audit.record({
        type: auditType,
        actor: 'system',
        details: {
          webhookId: webhook.id,
          deliveryId: delivery.id,
          event: delivery.event,
          attempts: delivery.attempts + 1,
          lastError: outcome.error,
        },
      });
    }
  };

  /** One round: claim a batch and send it; true when the batch was full (more may be due). */
  const runOnce = async (): Promise<boolean> => {
    await sweepLog();
    const claimed = await repo.claimDue({ token, nowMs: now(), leaseMs: policy.leaseMs, limit: policy.concurrency });
    const webhooks = new Map(
      (await repo.findWebhooks([...new Set(claimed.map((d) => d.webhook_id))])).map((w) => [w.id, w]),
    );
    await Promise.all(
      claimed.map(async (delivery) => {
        const webhook = webhooks.get(delivery.webhook_id);
        // Deleted meanwhile: its deliveries went with it.
        if (webhook) await deliver(delivery, webhook).catch(deps.onError);
      }),
    );
    return claimed.length === policy.concurrency;
  };

  const schedule = (delayMs: number) => {
    if (isStopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = runOnce()
        .catch((error: unknown) => {
          deps.onError(error);
          return false;
        })
        .then((isFull) => {
          running = null;
          schedule(isFull ? 0 : policy.pollIntervalMs);
        });
    }, delayMs);
  };

  return {
    start: () => schedule(0),
    /** Stops polling; resolves once every attempt under way is recorded. */
    async stop(): Promise<void> {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
