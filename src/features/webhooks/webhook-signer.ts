import { createHmac } from 'node:crypto';

/** Names Bulwark without its version: a receiver needs to know who calls, an attacker not which release. */
export const WEBHOOK_USER_AGENT = 'Bulwark-Webhooks';

/**
 * The headers of one delivery attempt under the Standard Webhooks scheme: `webhook-id` (the
 * same on every attempt, so a receiver can drop duplicates), `webhook-timestamp` (seconds, fresh
 * per attempt, so a receiver can refuse replays of old ones) and `webhook-signature`
 * (`v1,` + base64 HMAC-SHA256 over `id.timestamp.body` with the secret's key bytes).
 */
export function signDelivery(input: {
  keyBytes: Buffer;
  messageId: string;
  timestampSeconds: number;
  body: string;
}): Record<string, string> {
  const signed = `${input.messageId}.${input.timestampSeconds}.${input.body}`;
  const signature = createHmac('sha256', input.keyBytes).update(signed, 'utf8').digest('base64');
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
