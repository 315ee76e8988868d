import { createHash } from 'node:crypto';
import type { AuditEvent } from '../audit/index.js';
import type { AlertFiring } from './alert-catalog.js';
import { createCountWindow, createDistinctWindow } from './event-windows.js';

/** The thresholds of `alerts.*` in the config (defaults: those of the Prometheus rules). */
export interface AlertThresholds {
  signInFailures: number;
  stuffingAccounts: number;
  stuffingMaxAddresses: number;
  banWaveBans: number;
  ruleDenials: number;
  noSuccessFailures: number;
}

/** The window of the spike conditions, as in the rules and the `bulwark_sign_in_failure_*` gauges. */
const SHORT_WINDOW_MS = 10 * 60_000;
const HOUR_MS = 60 * 60_000;
/** Distinct accounts or addresses remembered per window; past this the count stays at the cap. */
const MAX_DISTINCT_KEYS = 10_000;

/**
 * Evaluates the event-driven alerts over the audit log's events: each event updates the window
 * counters, and the conditions it can change are checked. Returns what holds now; the
 * dispatcher decides whether that is sent (cool-down).
 */
export function createAlertConditions(thresholds: AlertThresholds, startedAtMs: number) {
  const failures = createCountWindow(SHORT_WINDOW_MS);
  const hourFailures = createCountWindow(HOUR_MS);
  const failingAccounts = createDistinctWindow(SHORT_WINDOW_MS, MAX_DISTINCT_KEYS);
  const failingAddresses = createDistinctWindow(SHORT_WINDOW_MS, MAX_DISTINCT_KEYS);
  const bans = createCountWindow(SHORT_WINDOW_MS);
  const denials = createCountWindow(SHORT_WINDOW_MS);
  // A fresh process has not watched a whole hour yet: it counts from its start.
  let lastSuccessMs = startedAtMs;

  const onFailure = (event: AuditEvent, nowMs: number): AlertFiring[] => {
    failures.add(nowMs);
    hourFailures.add(nowMs);
    const email = event.details?.email;
    // Accounts are told apart by a hash: the alert state never holds an address in clear.
    if (typeof email === 'string') failingAccounts.add(createHash('sha256').update(email).digest('hex'), nowMs);
    if (event.ip) failingAddresses.add(event.ip, nowMs);
    const firings: AlertFiring[] = [];
    const count = failures.count(nowMs);
    if (count > thresholds.signInFailures) {
      firings.push({
        alert: 'sign_in_failure_spike',
        summary: `${count} failed sign-ins in 10 minutes`,
        observed: { failures: count, windowMinutes: 10 },
      });
    }
    const accounts = failingAccounts.count(nowMs);
    const addresses = failingAddresses.count(nowMs);
    if (accounts >= thresholds.stuffingAccounts && addresses <= thresholds.stuffingMaxAddresses) {
      firings.push({
        alert: 'credential_stuffing',
        summary: `credential stuffing: ${accounts} accounts failing from ${addresses === 1 ? 'one address' : `${addresses} addresses`} in 10 minutes`,
        observed: { accounts, addresses, windowMinutes: 10 },
      });
    }
    const hourCount = hourFailures.count(nowMs);
    if (nowMs - lastSuccessMs >= HOUR_MS && hourCount > thresholds.noSuccessFailures) {
      firings.push({
        alert: 'no_successful_sign_ins',
        summary: `no successful sign-in for an hour while ${hourCount} failed`,
        observed: { failures: hourCount, windowMinutes: 60 },
      });
    }
    return firings;
  };

  const onBan = (nowMs: number): AlertFiring[] => {
    bans.add(nowMs);
    const count = bans.count(nowMs);
    if (count < thresholds.banWaveBans) return [];
    return [
      {
        alert: 'ban_wave',
        summary: `${count} addresses banned in 10 minutes`,
        observed: { bans: count, windowMinutes: 10 },
      },
    ];
  };

  const onDenial = (event: AuditEvent, nowMs: number): AlertFiring[] => {
    // Denied reads are thinned in the log; `heldBack` says how many an entry stands for.
    const heldBack = event.details?.heldBack;
    denials.add(nowMs, 1 + (typeof heldBack === 'number' && heldBack > 0 ? heldBack : 0));
    const count = denials.count(nowMs);
    if (count <= thresholds.ruleDenials) return [];
    return [
      {
        alert: 'rule_denial_spike',
        summary: `${count} record-rule denials in 10 minutes`,
        observed: { denials: count, windowMinutes: 10 },
      },
    ];
  };

  return {
    /** The alerts that hold after `event`; events of the alerts themselves never count. */
    observe(event: AuditEvent, nowMs: number): AlertFiring[] {
      switch (event.type) {
        case 'auth.login.failure':
          return onFailure(event, nowMs);
        case 'auth.login.success':
          lastSuccessMs = nowMs;
          return [];
        case 'abuse.ban':
          return onBan(nowMs);
        case 'records.read.denied':
        case 'records.write.denied':
          return onDenial(event, nowMs);
        default:
          return [];
      }
    },
  };
}
