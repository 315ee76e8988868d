import { randomUUID } from 'node:crypto';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { Mailer } from '../mail/index.js';
import { signDelivery } from '../webhooks/index.js';
import { ALERT_CATALOG, type AlertFiring } from './alert-catalog.js';

/** Where a fired alert goes; `send` rejects when it could not be delivered. */
export interface AlertChannel {
  name: 'mail' | 'webhook';
  send: (firing: AlertFiring, firedAtMs: number) => Promise<void>;
}

/** One plain-text mail per address (the mailer takes exactly one recipient per message). */
export function createMailChannel(
  mailer: Pick<Mailer, 'send'>,
  to: readonly string[],
  serverName: string,
): AlertChannel {
  return {
    name: 'mail',
    async send(firing, firedAtMs) {
      const { severity, advice } = ALERT_CATALOG[firing.alert];
      const observed = Object.entries(firing.observed).map(([key, value]) => `  ${key}: ${value}`);
      const text = [
        `${firing.summary}.`,
        '',
        advice,
        '',
        `Alert: ${firing.alert} (${severity})`,
        `Server: ${serverName}`,
        `Fired at: ${new Date(firedAtMs).toISOString()}`,
        'Observed:',
        ...observed,
        '',
        'The same alert is not sent again during its cool-down (alerts.cooldownMinutes).',
      ].join('\n');
      const subject = `[Bulwark] ${severity}: ${firing.summary}`;
      // Every address gets its mail even when one of them fails; the first failure is reported.
      const results = await Promise.allSettled(to.map((address) => mailer.send({ to: address, subject, text })));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * A JSON POST through the outbound guard, so the alert URL gets the same SSRF checks as record
 * webhooks. With a key it is signed the Standard Webhooks way (`webhook-signature`), so a
 * receiver can refuse forged alerts; without one it is plain JSON.
 */
export function createWebhookChannel(
  outbound: Pick<OutboundClient, 'request'>,
  url: string,
  keyBytes: Buffer | null,
): AlertChannel {
  return {
    name: 'webhook',
    async send(firing, firedAtMs) {
      const { severity, advice } = ALERT_CATALOG[firing.alert];
      const body = JSON.stringify({
        type: 'alert.fired',
        timestamp: new Date(firedAtMs).toISOString(),
        data: { alert: firing.alert, severity, summary: firing.summary, advice, observed: firing.observed },
      });
      const headers = keyBytes
        ? signDelivery({
            keyBytes,
            messageId: `alert_${randomUUID()}`,
            timestampSeconds: Math.floor(firedAtMs / 1000),
            body,
          })
        : { 'content-type': 'application/json' };
      const response = await outbound.request(url, { method: 'POST', headers, body });
      if (response.status < 200 || response.status > 299)
        throw new Error(`the alert webhook answered ${response.status}`);
    },
  };
}
