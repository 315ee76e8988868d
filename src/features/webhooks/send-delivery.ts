import type { WebhookDeliveriesTable, WebhooksTable } from '../../db/index.js';
import { type OutboundClient, OutboundError } from '../../lib/net/outbound-types.js';
import type { AttemptResult } from './retry-schedule.js';
import { type SecretBox, secretKeyBytes } from './webhook-secret.js';
import { signDelivery } from './webhook-signer.js';

/** The log's reason for a sealed secret that does not open: nothing is sent. */
export const SECRET_UNREADABLE = 'secret-unreadable';

/** Refusals by the outbound policy: the URL's target is not allowed, so trying again cannot help. */
const POLICY_REFUSALS = new Set(['scheme', 'address', 'redirects']);

/**
 * One attempt: signs the stored body with a fresh timestamp and POSTs it through the outbound
 * guard (which resolves, checks and pins the address and re-checks every redirect). Never
 * throws for what the receiver or the guard did; that is the result.
 */
export async function sendDelivery(
  deps: { outbound: Pick<OutboundClient, 'request'>; secrets: SecretBox; now: () => number },
  delivery: WebhookDeliveriesTable,
  webhook: WebhooksTable,
): Promise<AttemptResult> {
  const secret = deps.secrets.open(webhook.id, webhook.secret_sealed);
  const keyBytes = secret ? secretKeyBytes(secret) : null;
  // A secret that does not open was tampered with: sending unsigned or wrongly signed is worse than not sending.
  if (!keyBytes) return { httpStatus: null, error: SECRET_UNREADABLE, isRefused: true };
  const headers = signDelivery({
    keyBytes,
    messageId: delivery.id,
    timestampSeconds: Math.floor(deps.now() / 1000),
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
}
