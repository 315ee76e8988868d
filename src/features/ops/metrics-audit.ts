import { createHmac, randomBytes } from 'node:crypto';
import { describeClientAddress } from '../../lib/net/client-address.js';
import type { AuditEvent } from '../audit/index.js';
import type { MetricsRegistry } from './metrics.js';

/** The window of the distinct-failure gauges: "in the last 10 minutes". */
const FAILURE_WINDOW_MS = 10 * 60_000;
/** Keys held per gauge: a flood of fresh emails or addresses costs bounded memory. */
const MAX_WINDOW_KEYS = 10_000;

/**
 * Distinct keys seen within the window. Keys are HMACed with a per-process secret, so neither
 * emails nor addresses are kept in memory. The Map's order is the order of last sight: updating
 * moves a key to the end, so the oldest are at the front for pruning and for eviction at the cap.
 */
export function createDistinctWindow(now: () => number, windowMs = FAILURE_WINDOW_MS, maxKeys = MAX_WINDOW_KEYS) {
  const secret = randomBytes(32);
  const seen = new Map<string, number>();
  const prune = () => {
    const oldest = now() - windowMs;
    for (const [key, atMs] of seen) {
      if (atMs > oldest && seen.size <= maxKeys) break;
      seen.delete(key);
    }
  };
  return {
    add(key: string) {
      const hashed = createHmac('sha256', secret).update(key).digest('base64url').slice(0, 22);
      seen.delete(hashed);
      seen.set(hashed, now());
      prune();
    },
    size() {
      prune();
      return seen.size;
    },
  };
}

/**
 * Turns stored audit events into counters: the events already say what happened, where it
 * happened, so the features stay unaware of metrics. Events the log thins (denied reads, upload
 * and outbound refusals) or never records (throttled and rate-limited requests) are counted at
 * their source instead.
 */
/** The shape of an in-process alert's name (`sign_in_failure_spike`): the only label values taken. */
const ALERT_LABEL = /^[a-z][a-z_]{0,39}$/;

export function createAuditMetrics(metrics: MetricsRegistry, options: { ipv6PrefixLength: number; now: () => number }) {
  const { counters } = metrics;
  const failedAccounts = createDistinctWindow(options.now);
  const failedAddresses = createDistinctWindow(options.now);
  metrics.gauge('bulwark_sign_in_failure_accounts', (gauge) => gauge.set(failedAccounts.size()));
  metrics.gauge('bulwark_sign_in_failure_addresses', (gauge) => gauge.set(failedAddresses.size()));

  const signInFailed = (event: AuditEvent, method: string, account: unknown) => {
    counters.signIns.inc({ outcome: 'failure', method });
    if (typeof account === 'string' && account !== '') failedAccounts.add(account);
    if (event.ip) failedAddresses.add(describeClientAddress(event.ip, options.ipv6PrefixLength).key);
  };

  const countEvent = (event: AuditEvent) => {
    const details = event.details ?? {};
    switch (event.type) {
      case 'auth.login.success': {
        // A sign-in's second step completes one already counted as second_factor_required.
        if (details.method === 'second-step') return;
        // A sign-in restricted to enrolling a factor did sign in; one owing its code did not yet.
        const outcome = details.stage === 'mfa' ? 'second_factor_required' : 'success';
        counters.signIns.inc({ outcome, method: String(details.method) });
        return;
      }
      case 'auth.oidc.success':
        return;
      case 'auth.login.failure':
        return signInFailed(event, 'password', details.email ?? event.actor);
      case 'auth.oidc.failure':
        return signInFailed(event, 'oidc', undefined);
      case 'auth.mfa.failure':
        return void counters.secondFactorFailures.inc({ factor: 'totp' });
      case 'auth.webauthn.failure':
        if (details.purpose === 'login') return signInFailed(event, 'passkey', event.actor);
        if (details.purpose !== 'register') counters.secondFactorFailures.inc({ factor: 'passkey' });
        return;
      case 'abuse.account.throttled':
        return void counters.accountThrottles.inc();
      case 'abuse.ban':
        return void counters.bansIssued.inc();
      case 'file.infected':
        return void counters.fileUploadsRefused.inc({ reason: 'infected' });
      case 'alert.fired':
        // The label is one of the alert catalog's names; anything else is not counted (bounded labels).
        if (typeof details.alert === 'string' && ALERT_LABEL.test(details.alert))
          counters.alertsFired.inc({ alert: details.alert });
        return;
    }
  };

  return async (event: AuditEvent): Promise<void> => {
    counters.auditEntries.inc();
    countEvent(event);
  };
}
