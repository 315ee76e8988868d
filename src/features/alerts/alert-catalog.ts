/**
 * The in-process alerts: the same conditions, names and advice as the Prometheus rules in
 * deploy/prometheus/bulwark-alerts.yml (alert `sign_in_failure_spike` there is
 * `BulwarkSignInFailureSpike`), for operators who run no Prometheus.
 */
export const ALERT_NAMES = [
  'sign_in_failure_spike',
  'credential_stuffing',
  'ban_wave',
  'rule_denial_spike',
  'no_successful_sign_ins',
  'certificate_expiring',
  'audit_chain_broken',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];
export type AlertSeverity = 'warning' | 'critical';

/** One alert as it fires: what was observed, in numbers (never an email, token or secret). */
export interface AlertFiring {
  alert: AlertName;
  summary: string;
  observed: Record<string, number | string>;
}

export const ALERT_CATALOG: Readonly<Record<AlertName, { severity: AlertSeverity; advice: string }>> = {
  sign_in_failure_spike: {
    severity: 'warning',
    advice:
      'Failed sign-ins are far above normal. Search the audit log for auth.login.failure to see the addresses and accounts; check that bans are being issued, and add the sources to abuse.denyList if they persist.',
  },
  credential_stuffing: {
    severity: 'critical',
    advice:
      'Many distinct accounts failed to sign in from few addresses: a list of stolen credentials is being tried. Find the addresses in the audit log (auth.login.failure), deny them (abuse.denyList), and consider resetting the passwords of accounts that then signed in.',
  },
  ban_wave: {
    severity: 'warning',
    advice:
      'Several addresses were banned for failed sign-ins in a short time: a distributed attack. List them with GET /api/admin/bans; if they share a network, deny it (abuse.denyList) or block it upstream.',
  },
  rule_denial_spike: {
    severity: 'warning',
    advice:
      'Requests refused by collection rules jumped: someone is probing records they may not read or write, or a client release broke. Search the audit log for records.read.denied and records.write.denied to see which actor and collection.',
  },
  no_successful_sign_ins: {
    severity: 'warning',
    advice:
      'Every sign-in failed for an hour. Check the mail server (verification), the database and Redis, and the reasons in auth.login.failure audit entries: a broken release or an attack that locks accounts out.',
  },
  certificate_expiring: {
    severity: 'warning',
    advice:
      'The certificate in tls.cert expires soon. Renew it and replace the file; Bulwark reloads it when the file changes, no restart needed.',
  },
  audit_chain_broken: {
    severity: 'critical',
    advice:
      'An audit entry was changed or removed outside Bulwark. Run `bulwark log verify` to find the first broken entry, keep a copy of the database, and compare with a shipped copy. Treat it as an intrusion.',
  },
};
