import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/index.js';
import { createAlertConditions } from './alert-conditions.js';

const T0 = 1_700_000_000_000;
const THRESHOLDS = {
  signInFailures: 2,
  stuffingAccounts: 100,
  stuffingMaxAddresses: 1,
  banWaveBans: 100,
  ruleDenials: 3,
  noSuccessFailures: 100,
};
const failure: AuditEvent = { type: 'auth.login.failure', ip: '203.0.113.9', details: { email: 'a@example.com' } };

describe('alert conditions', () => {
  it('the alerts’ own audit events never feed a condition, so an alert cannot trigger itself', () => {
    const conditions = createAlertConditions(THRESHOLDS, T0);
    for (const type of ['alert.fired', 'alert.delivery.failed', 'outbound.blocked', 'server.start'] as const) {
      for (let i = 0; i < 10; i++) {
        expect(conditions.observe({ type, details: { alert: 'sign_in_failure_spike' } }, T0)).toEqual([]);
      }
    }
    expect(conditions.observe(failure, T0)).toEqual([]);
    expect(conditions.observe(failure, T0)).toEqual([]);
    expect(conditions.observe(failure, T0).map((firing) => firing.alert)).toEqual(['sign_in_failure_spike']);
  });

  it('a thinned denied-read entry counts for the reads it stands for', () => {
    const conditions = createAlertConditions(THRESHOLDS, T0);
    expect(conditions.observe({ type: 'records.read.denied', details: { heldBack: 2 } }, T0)).toEqual([]);
    const fired = conditions.observe({ type: 'records.read.denied', details: {} }, T0);
    expect(fired).toEqual([
      {
        alert: 'rule_denial_spike',
        summary: '4 record-rule denials in 10 minutes',
        observed: { denials: 4, windowMinutes: 10 },
      },
    ]);
  });

  it('the alert state holds account hashes, never the email tried', () => {
    const conditions = createAlertConditions({ ...THRESHOLDS, signInFailures: 100, stuffingAccounts: 1 }, T0);
    const fired = conditions.observe(failure, T0);
    expect(fired.map((firing) => firing.alert)).toEqual(['credential_stuffing']);
    expect(JSON.stringify(fired)).not.toContain('a@example.com');
  });
});
