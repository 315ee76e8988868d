import { describe, expect, it } from 'vitest';
import { loadConfig, runConfigChecks } from './index.js';

const facts = {
  nowMs: Date.parse('2026-11-25T00:00:00Z'),
  dataDirMode: 0o700,
  masterKeyFileMode: 0o600,
  tlsKeyFileMode: undefined,
  tlsCertNotAfterMs: undefined,
  clamdSocketPresent: undefined,
};
const ids = (env: Record<string, string>) =>
  runConfigChecks(loadConfig({ cwd: '/tmp', env }), facts).map((finding) => `${finding.severity}:${finding.id}`);
const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 1).toString('base64')}`;
const MAIL = { BULWARK_SMTP_URL: 'smtps://u:p@mail.example:465', BULWARK_PUBLIC_URL: 'https://api.example' };

describe('alert configuration checks', () => {
  it('alert mail without a mail server is a finding; with one it is not', () => {
    expect(ids({ BULWARK_ALERTS_MAIL_TO: 'ops@example.com' })).toEqual(['medium:alerts-mail-without-smtp']);
    expect(ids({ ...MAIL, BULWARK_ALERTS_MAIL_TO: 'ops@example.com' })).toEqual([]);
  });

  it('an alert webhook the outbound policy refuses is a finding', () => {
    const hook = { BULWARK_ALERTS_WEBHOOK_SECRET: secretOf(32) };
    expect(ids({ ...hook, BULWARK_ALERTS_WEBHOOK_URL: 'https://alerts.example/hook' })).toEqual([]);
    expect(ids({ ...hook, BULWARK_ALERTS_WEBHOOK_URL: 'https://10.0.0.5/hook' })).toEqual([
      'medium:alerts-webhook-refused-by-outbound',
    ]);
    expect(ids({ ...hook, BULWARK_ALERTS_WEBHOOK_URL: 'http://alerts.example/hook' })).toEqual([
      'medium:alerts-webhook-refused-by-outbound',
    ]);
    expect(
      ids({
        ...hook,
        BULWARK_ALERTS_WEBHOOK_URL: 'http://10.0.0.5/hook',
        BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
        BULWARK_OUTBOUND_ALLOWED_CIDRS: '10.0.0.5/32',
      }),
    ).toEqual([]);
  });

  it('an unsigned alert webhook is a low finding; a secret of the wrong size stops the server', () => {
    const url = { BULWARK_ALERTS_WEBHOOK_URL: 'https://alerts.example/hook' };
    expect(ids(url)).toEqual(['low:alerts-webhook-unsigned']);
    expect(ids({ ...url, BULWARK_ALERTS_WEBHOOK_SECRET: secretOf(16) })).toEqual([
      'high:alerts-webhook-secret-invalid',
    ]);
    expect(ids({ ...url, BULWARK_ALERTS_WEBHOOK_SECRET: secretOf(65) })).toEqual([
      'high:alerts-webhook-secret-invalid',
    ]);
    expect(ids({ ...url, BULWARK_ALERTS_WEBHOOK_SECRET: secretOf(24) })).toEqual([]);
  });
});
