import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { createSelfSignedCertificate } from '../helpers/certificates.js';
import { createCollection, newAdmin, recordsApi, uniqueName } from '../helpers/collections-client.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * In-process alerts for operators without Prometheus, through the running app: sign-in
 * failures scripted against the real login route tip the conditions; each alert is one mail
 * per address through a real SMTP server, one signed webhook through the outbound guard, and
 * one `alert.fired` audit entry; the cool-down holds it back until the injected clock passes it.
 */

const OPS = ['ops@example.com', 'security@example.com'];
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const ATTACKER = '203.0.113.9';
const MINUTE_MS = 60_000;

let sink: MailSink;
let receiver: WebhookReceiver;
let app: TestApp | undefined;
const clock = { nowMs: Date.now() };

beforeAll(async () => {
  sink = await startMailSink();
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  sink.messages.length = 0;
  receiver.received.length = 0;
});
afterAll(async () => {
  await sink.close();
  await receiver.close();
});

/** An app with both alert channels (or the webhook alone), the given thresholds, and the test's clock. */
async function alertingApp(env: Record<string, string> = {}, { isMailOn = true } = {}): Promise<TestApp> {
  clock.nowMs = Date.now();
  const mail = {
    BULWARK_SMTP_URL: sink.url,
    BULWARK_PUBLIC_URL: 'https://app.example',
    BULWARK_ALERTS_MAIL_TO: OPS.join(','),
  };
  app = await createTestApp({
    alertsNow: () => clock.nowMs,
    env: {
      ...(isMailOn ? mail : {}),
      BULWARK_ALERTS_WEBHOOK_URL: `${receiver.url}/alerts`,
      BULWARK_ALERTS_WEBHOOK_SECRET: SECRET,
      // The receiver listens on loopback: allow-listed for this test only.
      BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
      BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
      ...env,
    },
  });
  return app;
}

/** Failed sign-ins through the login route, each for a different unknown account. */
async function failSignIns(target: TestApp, times: number, remoteAddress = ATTACKER, emails?: string[]) {
  for (let i = 0; i < times; i++) {
    const email = emails?.[i] ?? uniqueEmail('guess');
    const response = await target.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: OTHER_PASSWORD },
      remoteAddress,
    });
    expect(response.statusCode, response.body).toBe(401);
  }
  // The login answered after its audit entry was stored and the alert conditions saw it; this
  // waits for the mail and webhook deliveries the last one may have started.
  await target.alerts?.idle();
}

const firedAlerts = async (target: TestApp) =>
  (await target.audit.listRecent(100, 'alert.fired')).map((entry) => entry.details.alert);

describe('in-process alerts', () => {
  it('a failed sign-in spike mails every address once, posts one signed webhook and is audited', async () => {
    const target = await alertingApp({ BULWARK_ALERTS_SIGN_IN_FAILURES: '5' });
    const guessed = [1, 2, 3, 4, 5, 6].map(() => uniqueEmail('victim'));
    await failSignIns(target, 5, ATTACKER, guessed);
    expect(sink.messages).toHaveLength(0);
    await failSignIns(target, 1, ATTACKER, guessed.slice(5));

    expect(sink.messages.map((mail) => mail.to).sort()).toEqual(OPS.map((address) => [address]).sort());
    for (const mail of sink.messages) {
      expect(mail.subject).toBe('[Bulwark] warning: 6 failed sign-ins in 10 minutes');
      expect(mail.text).toContain('auth.login.failure');
      // The alert says how many, never who: no tried account or password leaves in it.
      for (const email of guessed) expect(mail.raw).not.toContain(email);
      expect(mail.raw).not.toContain(OTHER_PASSWORD);
    }
    const [entry] = await target.audit.listRecent(10, 'alert.fired');
    expect(entry?.details).toMatchObject({
      alert: 'sign_in_failure_spike',
      severity: 'warning',
      observed: { failures: 6, windowMinutes: 10 },
      channels: ['mail', 'webhook'],
    });
    expect(await firedAlerts(target)).toEqual(['sign_in_failure_spike']);

    const [hook] = receiver.receivedAt('/alerts');
    expect(receiver.receivedAt('/alerts')).toHaveLength(1);
    expect(verifyStandardWebhook(SECRET, hook?.headers ?? {}, hook?.body ?? '', Math.floor(clock.nowMs / 1000))).toBe(
      true,
    );
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      type: 'alert.fired',
      data: { alert: 'sign_in_failure_spike', severity: 'warning', observed: { failures: 6 } },
    });
  });

  it('more failures within the cool-down send nothing more; after it the alert fires again', async () => {
    const target = await alertingApp({
      BULWARK_ALERTS_SIGN_IN_FAILURES: '5',
      BULWARK_ALERTS_COOLDOWN_MINUTES: '60',
      // An hour of failures without a success would fire no_successful_sign_ins as well.
      BULWARK_ALERTS_NO_SUCCESS_FAILURES: '1000000',
    });
    await failSignIns(target, 6);
    expect(sink.messages).toHaveLength(2);

    clock.nowMs += 5 * MINUTE_MS;
    await failSignIns(target, 10);
    clock.nowMs += 54 * MINUTE_MS;
    await failSignIns(target, 6);
    expect(sink.messages).toHaveLength(2);
    expect(receiver.receivedAt('/alerts')).toHaveLength(1);
    expect(await firedAlerts(target)).toEqual(['sign_in_failure_spike']);

    // 60 minutes after it fired: the cool-down is over, and a new spike is sent.
    clock.nowMs += 1 * MINUTE_MS;
    await failSignIns(target, 6);
    expect(sink.messages).toHaveLength(4);
    expect(sink.messages[3]?.subject).toMatch(/^\[Bulwark\] warning: \d+ failed sign-ins in 10 minutes$/);
    expect(receiver.receivedAt('/alerts')).toHaveLength(2);
    expect(await firedAlerts(target)).toEqual(['sign_in_failure_spike', 'sign_in_failure_spike']);
  });

  it('many accounts failing from one address is credential stuffing, not from many addresses', async () => {
    const target = await alertingApp({
      BULWARK_ALERTS_STUFFING_ACCOUNTS: '4',
      BULWARK_ALERTS_STUFFING_MAX_ADDRESSES: '1',
    });
    // Four accounts, each from its own address: distributed guessing, not one stuffing source.
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      await failSignIns(target, 1, address);
    }
    expect(await firedAlerts(target)).toEqual([]);

    clock.nowMs += 11 * MINUTE_MS;
    await failSignIns(target, 4, ATTACKER);
    expect(await firedAlerts(target)).toEqual(['credential_stuffing']);
    expect(sink.messages[0]?.subject).toBe(
      '[Bulwark] critical: credential stuffing: 4 accounts failing from one address in 10 minutes',
    );
  });

  it('addresses banned in a wave fire ban_wave', async () => {
    const target = await alertingApp({ BULWARK_ABUSE_BAN_FAILURE_LIMIT: '2', BULWARK_ALERTS_BAN_WAVE_BANS: '2' });
    await failSignIns(target, 2, '198.51.100.21');
    expect(await firedAlerts(target)).toEqual([]);
    await failSignIns(target, 2, '198.51.100.22');
    expect((await target.audit.listRecent(10, 'abuse.ban')).length).toBe(2);
    expect(await firedAlerts(target)).toEqual(['ban_wave']);
  });

  it('writes refused by a collection rule beyond the threshold fire rule_denial_spike, by webhook alone', async () => {
    const target = await alertingApp({ BULWARK_ALERTS_RULE_DENIALS: '3' }, { isMailOn: false });
    const admin = await newAdmin(target);
    const name = uniqueName('vault');
    await createCollection(target, admin, { name, fields: [{ name: 'title', type: 'text' }] });
    const guest = recordsApi(target, name);
    for (let i = 0; i < 4; i++) expect((await guest.create(undefined, { title: 'x' })).statusCode).toBe(403);
    await target.alerts?.idle();
    expect(await firedAlerts(target)).toEqual(['rule_denial_spike']);
    const hooks = receiver.receivedAt('/alerts');
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]?.body ?? '{}').data).toMatchObject({
      alert: 'rule_denial_spike',
      observed: { denials: 4 },
    });
    expect(sink.messages).toHaveLength(0);
  });

  it('an hour of failures without one successful sign-in fires no_successful_sign_ins', async () => {
    const target = await alertingApp({ BULWARK_ALERTS_NO_SUCCESS_FAILURES: '3' });
    await failSignIns(target, 4);
    // Not yet: the server has not watched a whole hour.
    expect(await firedAlerts(target)).toEqual([]);
    clock.nowMs += 61 * MINUTE_MS;
    await failSignIns(target, 3);
    expect(await firedAlerts(target)).toEqual([]);
    await failSignIns(target, 1);
    expect(await firedAlerts(target)).toEqual(['no_successful_sign_ins']);
  });

  it('an alert webhook the outbound guard refuses is not sent and is audited; the mail still goes', async () => {
    const target = await alertingApp({
      BULWARK_ALERTS_SIGN_IN_FAILURES: '1',
      // The loopback receiver is no longer allow-listed: the alert URL cannot reach it (SSRF guard).
      BULWARK_OUTBOUND_ALLOWED_CIDRS: '',
    });
    expect(target.findings.map((finding) => finding.id)).toContain('alerts-webhook-refused-by-outbound');
    await failSignIns(target, 2);
    expect(receiver.received).toHaveLength(0);
    expect(sink.messages).toHaveLength(2);
    const [failure] = await target.audit.listRecent(10, 'alert.delivery.failed');
    expect(failure?.details).toMatchObject({ alert: 'sign_in_failure_spike', channel: 'webhook' });
    expect((await target.audit.listRecent(10, 'outbound.blocked')).length).toBe(1);
  });

  it('an audit entry changed behind the server fires audit_chain_broken at the next check', async () => {
    const target = await alertingApp();
    await target.alerts?.checkNow();
    await target.alerts?.idle();
    expect(await firedAlerts(target)).toEqual([]);

    const db = target.database.db;
    if (target.database.dialect === 'sqlite') await sql`DROP TRIGGER IF EXISTS audit_log_no_update`.execute(db);
    else await sql`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`.execute(db);
    await failSignIns(target, 1);
    await db.updateTable('audit_log').set({ actor: 'innocent' }).where('type', '=', 'auth.login.failure').execute();

    await target.alerts?.checkNow();
    await target.alerts?.idle();
    expect(await firedAlerts(target)).toEqual(['audit_chain_broken']);
    expect(sink.messages[0]?.subject).toMatch(/^\[Bulwark\] critical: the audit chain does not verify from entry \d+$/);
  });

  it('a TLS certificate within alerts.certificateDays of expiry fires certificate_expiring', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-alert-cert-'));
    try {
      const certificate = createSelfSignedCertificate(dir, 'server');
      chmodSync(certificate.keyPath, 0o600);
      const target = await alertingApp({
        BULWARK_TLS_CERT: certificate.certPath,
        BULWARK_TLS_KEY: certificate.keyPath,
      });
      // Issued for 90 days: today it is far from expiry.
      await target.alerts?.checkNow();
      await target.alerts?.idle();
      expect(await firedAlerts(target)).toEqual([]);
      clock.nowMs += 80 * 24 * 60 * MINUTE_MS;
      await target.alerts?.checkNow();
      await target.alerts?.idle();
      expect(await firedAlerts(target)).toEqual(['certificate_expiring']);
      expect(sink.messages[0]?.subject).toMatch(/^\[Bulwark\] warning: the TLS certificate expires in (9|10) days$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without an alert channel nothing is evaluated and nothing is audited', async () => {
    app = await createTestApp({ env: { BULWARK_ALERTS_SIGN_IN_FAILURES: '1' } });
    expect(app.alerts).toBeNull();
    await failSignIns(app, 3);
    expect(await firedAlerts(app)).toEqual([]);
  });
});
