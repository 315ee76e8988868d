import type { FrozenConfig } from '../../config/index.js';
import { isLoopbackHost } from '../../lib/net/ip.js';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { AuditEvent, AuditSink, ChainVerdict } from '../audit/index.js';
import { createMailer } from '../mail/index.js';
import { secretKeyBytes } from '../webhooks/index.js';
import type { AlertChannel } from './alert-channels.js';
import { createMailChannel, createWebhookChannel } from './alert-channels.js';
import { createAlertConditions } from './alert-conditions.js';
import { createAlertDispatcher } from './alert-dispatcher.js';
import { createScheduledChecks } from './scheduled-checks.js';

export interface AlertsFeatureOptions {
  config: FrozenConfig;
  audit: AuditSink;
  outbound: Pick<OutboundClient, 'request'>;
  verifyChain: () => Promise<ChainVerdict>;
  /** Where delivery and check failures go (the server's log). */
  onProblem: (message: string) => void;
  /** The clock of windows and cool-downs; tests move it. */
  now?: () => number;
}

export interface AlertsFeature {
  /** For `audit.onRecorded`: updates the windows and fires what the event tipped over. */
  onAuditEvent: (event: AuditEvent) => Promise<void>;
  start: () => void;
  /** Runs the certificate and audit-chain checks now (they also run at start and on their interval). */
  checkNow: () => Promise<void>;
  /** Resolves once every alert fired so far is recorded and sent (or its failure recorded). */
  idle: () => Promise<void>;
  /** Stops the scheduled checks and waits for the alerts under way to be recorded and sent. */
  stop: () => Promise<void>;
}

/**
 * In-process alerts (see alert-catalog.ts), on when `alerts.mailTo` or `alerts.webhookUrl` is
 * set; null otherwise. Mail goes through the SMTP server of `smtp.url`, the webhook through
 * the outbound guard. Each instance evaluates its own events and keeps its own cool-downs.
 */
export function createAlertsFeature(options: AlertsFeatureOptions): AlertsFeature | null {
  const { config } = options;
  const channels = createChannels(options);
  if (channels.length === 0) return null;
  const now = options.now ?? Date.now;
  const dispatcher = createAlertDispatcher({
    channels: channels.map((entry) => entry.channel),
    audit: options.audit,
    cooldownMs: config.alerts.cooldownMinutes * 60_000,
    now,
    onProblem: options.onProblem,
  });
  const conditions = createAlertConditions(config.alerts, now());
  const checks = createScheduledChecks({
    certificatePath: config.tls.cert,
    certificateDays: config.alerts.certificateDays,
    verifyChain: options.verifyChain,
    intervalMs: config.alerts.checkIntervalHours * 3_600_000,
    now,
    fire: (firing) => dispatcher.fire(firing),
    onProblem: options.onProblem,
  });
  let isStopped = false;
  return {
    async onAuditEvent(event) {
      if (isStopped) return;
      for (const firing of conditions.observe(event, now())) dispatcher.fire(firing);
    },
    start: () => checks.start(),
    checkNow: () => checks.runOnce(),
    idle: () => dispatcher.idle(),
    async stop() {
      isStopped = true;
      await checks.stop();
      await dispatcher.idle();
      for (const entry of channels) entry.close();
    },
  };
}

function createChannels(options: AlertsFeatureOptions): Array<{ channel: AlertChannel; close: () => void }> {
  const { alerts, smtp, publicUrl, server } = options.config;
  const channels: Array<{ channel: AlertChannel; close: () => void }> = [];
  // Without a mail server, mailTo is a configuration finding (alerts-mail-without-smtp).
  if (alerts.mailTo.length > 0 && smtp.url) {
    // Loopback relays (a local MTA) are exempt from the TLS requirement, as for account mail.
    const mailer = createMailer({
      url: smtp.url,
      from: smtp.from,
      requireTls: smtp.requireTls && !isLoopbackHost(new URL(smtp.url).hostname),
    });
    const serverName = publicUrl ?? `${server.host}:${server.port}`;
    channels.push({ channel: createMailChannel(mailer, alerts.mailTo, serverName), close: () => mailer.close() });
  }
  if (alerts.webhookUrl) {
    const keyBytes = alerts.webhookSecret ? secretKeyBytes(alerts.webhookSecret) : null;
    channels.push({ channel: createWebhookChannel(options.outbound, alerts.webhookUrl, keyBytes), close: () => {} });
  }
  return channels;
}
