import { randomUUID } from 'node:crypto';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../db/index.js';
import { type OutboundClient, OutboundError } from '../../lib/net/outbound-types.js';
import type { AuditSink } from '../audit/index.js';
import { retryDelayMs } from './retry-schedule.js';
import { type SecretBox, secretKeyBytes } from './webhook-secret.js';
import { signDelivery } from './webhook-signer.js';
import type { AttemptOutcome, WebhooksRepo } from './webhooks-repo.js';

export interface DeliveryPolicy {
  pollIntervalMs: number;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
}

/** Refusals by the outbound policy: the URL's target is not allowed, so trying again cannot help. */
const POLICY_REFUSALS = new Set(['scheme', 'address', 'redirects']);

/** How one attempt went, before the queue decides what comes next. */
interface AttemptResult {
  httpStatus: number | null;
  /** Stable reason for the log: `http-503`, `timeout`, `refused:address`, …; null on success. */
  error: string | null;
  isRefused: boolean;
}

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
  now: () => number;
}) {
  const { repo, policy, now } = deps;
  const token = randomUUID();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let isStopped = false;

  const attempt = async (delivery: WebhookDeliveriesTable, webhook: WebhooksTable): Promise<AttemptResult> => {
    const secret = deps.secrets.open(webhook.id, webhook.secret_sealed);
    const keyBytes = secret ? secretKeyBytes(secret) : null;
    // A secret that does not open was tampered with: sending unsigned or wrongly signed is worse than not sending.
    if (!keyBytes) return { httpStatus: null, error: 'secret-unreadable', isRefused: true };
    const headers = signDelivery({
      keyBytes,
      messageId: delivery.id,
      timestampSeconds: Math.floor(now() / 1000),
      body: delivery.payload,
    });
    try {
      const response = await deps.outbound.request(webhook.url, { method: 'POST', headers, body: delivery.payload });
      const isOk = response.status >= 200 && response.status < 300;
      return { httpStatus: response.status, error: isOk ? null : `http-${response.status}`, isRefused: false };
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      const isRefused = POLICY_REFUSALS.has(error.reason);
      return { httpStatus: null, error: isRefused ? `refused:${error.reason}` : error.reason, isRefused };
    }
  };

  /** What the queue does after an attempt: done, refused, retry later, or give up. */
  const outcomeOf = (delivery: WebhookDeliveriesTable, result: AttemptResult, latencyMs: number): AttemptOutcome => {
    const nowMs = now();
    const attemptsMade = delivery.attempts + 1;
    const base = { httpStatus: result.httpStatus, latencyMs, error: result.error, nowMs, nextAttemptMs: nowMs };
    if (result.error === null) return { ...base, status: 'succeeded' };
    if (result.isRefused) return { ...base, status: 'failed' };
    if (attemptsMade >= policy.maxAttempts) return { ...base, status: 'dead' };
    return { ...base, status: 'pending', nextAttemptMs: nowMs + retryDelayMs(attemptsMade, policy) };
  };

  const deliver = async (delivery: WebhookDeliveriesTable, webhook: WebhooksTable) => {
    const startedMs = now();
    const result = await attempt(delivery, webhook);
    const outcome = outcomeOf(delivery, result, Math.max(0, now() - startedMs));
    const isRecorded = await repo.finishAttempt(delivery.id, token, outcome);
    if (isRecorded && outcome.status === 'dead') {
      await deps.audit.record({
        type: 'webhook.delivery.dead',
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

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
