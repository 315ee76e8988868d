import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpMetricsSink } from '../../http/metrics-hooks.js';
import { METRIC_NAMES, type MetricName } from './metric-names.js';

/** Seconds buckets for request durations: most answers are milliseconds, password hashing ~0.1-1 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The series of one app, in its own registry (not prom-client's global one), so several apps
 * in one process each count their own. Counters are incremented where events happen; gauges
 * read their source when scraped (`collect`).
 */
export function createMetricsRegistry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: MetricName) => {
    const spec = METRIC_NAMES[name];
    return new Counter({ name, help: spec.help, labelNames: [...spec.labels], registers: [registry] });
  };
  const gauge = (name: MetricName, collect?: (gauge: Gauge) => Promise<void> | void) => {
    const spec = METRIC_NAMES[name];
    return new Gauge({
      name,
      help: spec.help,
      labelNames: [...spec.labels],
      registers: [registry],
      ...(collect
        ? {
            collect: async function (this: Gauge) {
              await collect(this);
            },
          }
        : {}),
    });
  };
  const counters = {
    httpRequests: counter('bulwark_http_requests_total'),
    signIns: counter('bulwark_sign_ins_total'),
    secondFactorFailures: counter('bulwark_second_factor_failures_total'),
    accountThrottles: counter('bulwark_account_throttles_total'),
    bansIssued: counter('bulwark_bans_issued_total'),
    rateLimitRefusals: counter('bulwark_rate_limit_refusals_total'),
    csrfRefusals: counter('bulwark_csrf_refusals_total'),
    ruleDenials: counter('bulwark_rule_denials_total'),
    outboundBlocked: counter('bulwark_outbound_blocked_total'),
    webhookDeliveries: counter('bulwark_webhook_deliveries_total'),
    fileUploadsRefused: counter('bulwark_file_uploads_refused_total'),
    auditEntries: counter('bulwark_audit_entries_total'),
    loadShed: counter('bulwark_load_shed_total'),
    alertsFired: counter('bulwark_alerts_fired_total'),
  };
  const duration = new Histogram({
    name: 'bulwark_http_request_duration_seconds',
    help: METRIC_NAMES.bulwark_http_request_duration_seconds.help,
    labelNames: [...METRIC_NAMES.bulwark_http_request_duration_seconds.labels],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  const http: HttpMetricsSink = {
    observeRequest({ method, route, statusClass, seconds }) {
      counters.httpRequests.inc({ method, route, status_class: statusClass });
      duration.observe({ method, route }, seconds);
    },
    observeRefusal(refusal) {
      if (refusal.kind === 'csrf') counters.csrfRefusals.inc();
      else if (refusal.kind === 'load_shed') counters.loadShed.inc();
      else if (refusal.kind === 'rate_limit') counters.rateLimitRefusals.inc({ scope: refusal.scope });
      else if (refusal.kind === 'upload_refused') counters.fileUploadsRefused.inc({ reason: refusal.reason });
      else counters.signIns.inc({ outcome: 'throttled', method: 'password' });
    },
  };

  return {
    registry,
    counters,
    /** Request durations, read by the in-memory history (`GET /api/admin/metrics`). */
    duration,
    http,
    /** A gauge whose value is read from its source at each scrape. */
    gauge: (name: MetricName, collect: (gauge: Gauge) => Promise<void> | void) => gauge(name, collect),
    /** The Prometheus text exposition of every series. */
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>;
