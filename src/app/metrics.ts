import type { FrozenConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import { type AuditLog, verifyNewestAuditEntries } from '../features/audit/index.js';
import {
  createAuditMetrics,
  type MetricsRegistry,
  type MetricsRouteDeps,
  type ReadinessProbe,
  registerScrapeGauges,
} from '../features/ops/index.js';
import type { SharedState } from '../stores/index.js';

/** Newest audit entries checked against the chain at each scrape (one indexed read). */
const AUDIT_TAIL_CHECKED = 100;

/**
 * Counts the audit log's stored security events. Registered before any other listener: the
 * listeners run one after another, and a count should not wait behind a webhook's database work.
 */
export function countAuditEvents(metrics: MetricsRegistry, audit: AuditLog, config: FrozenConfig): void {
  audit.onRecorded(createAuditMetrics(metrics, { ipv6PrefixLength: config.abuse.ipv6PrefixLength, now: Date.now }));
}

/**
 * Connects the gauges read at scrape time to their sources once the app's parts exist, and
 * returns what `GET /metrics` needs. The counters fed at their source (HTTP, rule denials,
 * outbound refusals, webhook attempts) are wired where those parts are created.
 */
export function wireMetrics(
  metrics: MetricsRegistry,
  parts: {
    config: FrozenConfig;
    database: Database;
    state: SharedState;
    probe: ReadinessProbe;
    chainKey: Buffer;
  },
): MetricsRouteDeps {
  const { config } = parts;
  registerScrapeGauges(metrics, {
    countActiveBans: async () => (await parts.state.bans.list()).length,
    probe: parts.probe,
    verifyAuditTail: () => verifyNewestAuditEntries(parts.database, parts.chainKey, AUDIT_TAIL_CHECKED),
    tlsCertPath: config.tls.cert && config.tls.key ? config.tls.cert : undefined,
    now: Date.now,
  });
  return {
    token: config.metrics.token,
    allowedCidrs: config.metrics.allowedCidrs,
    scrape: metrics.scrape,
    contentType: metrics.contentType,
  };
}
