/**
 * The series Bulwark exports on `GET /metrics`: the contract between the instrumentation, the
 * Prometheus alert rules and the Grafana dashboard. Counters end in `_total`. No label ever holds
 * a user id, email, address, URL or raw path: every label value comes from a closed set.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly help: string;
}

export const METRIC_NAMES = {
  bulwark_http_requests_total: {
    type: 'counter',
    labels: ['method', 'route', 'status_class'],
    help: 'HTTP requests answered, by method, route template (unmatched for 404s) and status class.',
  },
  bulwark_http_request_duration_seconds: {
    type: 'histogram',
    labels: ['method', 'route'],
    help: 'Time to answer an HTTP request, by method and route template.',
  },
  bulwark_sign_ins_total: {
    type: 'counter',
    labels: ['outcome', 'method'],
    help: 'Sign-in attempts by outcome (success, failure, throttled, second_factor_required) and method.',
  },
  bulwark_sign_in_failure_accounts: {
    type: 'gauge',
    labels: [],
    help: 'Distinct accounts with a failed sign-in in the last 10 minutes.',
  },
  bulwark_sign_in_failure_addresses: {
    type: 'gauge',
    labels: [],
    help: 'Distinct client addresses with a failed sign-in in the last 10 minutes.',
  },
  bulwark_second_factor_failures_total: {
    type: 'counter',
    labels: ['factor'],
    help: 'Failed second-factor checks by factor (totp, recovery_code, passkey).',
  },
  bulwark_account_throttles_total: {
    type: 'counter',
    labels: [],
    help: 'Accounts whose sign-ins were throttled after consecutive failures.',
  },
  bulwark_bans_issued_total: { type: 'counter', labels: [], help: 'Client addresses banned.' },
  bulwark_bans_active: { type: 'gauge', labels: [], help: 'Bans in force now.' },
  bulwark_rate_limit_refusals_total: {
    type: 'counter',
    labels: ['scope'],
    help: 'Requests refused with 429 by scope (address, account, auth).',
  },
  bulwark_csrf_refusals_total: { type: 'counter', labels: [], help: 'Requests refused by the CSRF check.' },
  bulwark_rule_denials_total: {
    type: 'counter',
    labels: ['action'],
    help: 'Record operations denied by a collection rule, by action.',
  },
  bulwark_outbound_blocked_total: {
    type: 'counter',
    labels: ['reason'],
    help: 'Outbound requests refused or failed, by reason (the OutboundFailureReason values).',
  },
  bulwark_webhook_deliveries_total: {
    type: 'counter',
    labels: ['outcome'],
    help: 'Webhook delivery attempts by outcome (succeeded, failed, dead).',
  },
  bulwark_file_uploads_refused_total: {
    type: 'counter',
    labels: ['reason'],
    help: 'File uploads refused, by reason (type, size, malformed, infected).',
  },
  bulwark_audit_entries_total: { type: 'counter', labels: [], help: 'Audit log entries written by this instance.' },
  bulwark_audit_chain_ok: {
    type: 'gauge',
    labels: [],
    help: '1 while the newest audit entries verify against the chain, 0 once a check fails.',
  },
  bulwark_tls_certificate_expiry_seconds: {
    type: 'gauge',
    labels: [],
    help: 'Seconds until the served TLS certificate expires (absent without TLS).',
  },
  bulwark_load_shed_total: { type: 'counter', labels: [], help: 'Requests refused with 503 under overload.' },
  bulwark_dependency_up: {
    type: 'gauge',
    labels: ['dependency'],
    help: '1 when the dependency (database, redis, files, scanner) answers, else 0.',
  },
  bulwark_alerts_fired_total: {
    type: 'counter',
    labels: ['alert'],
    help: 'In-process alerts fired, by alert name.',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRIC_NAMES;
