import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, auditEntries, expectProblem, newAdmin } from '../helpers/collections-client.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver, waitUntil } from '../helpers/webhook-receiver.js';
import { deliveryLog, registerWebhook, webhooksApi } from '../helpers/webhooks-client.js';

/**
 * Webhooks cannot be turned against the network (issue 15 item 4 and 5, ASVS V1.3.6): a URL at a
 * loopback, private, link-local or metadata address, in any spelling, is refused when it is
 * registered; a name that resolves to loopback, or an allowed receiver that redirects to
 * loopback, is refused when it is delivered: the loopback service never gets the request, the
 * delivery log says refused, and the audit log has `outbound.blocked`. The app allows plain
 * http (so the address rule, not the scheme, is what refuses) and allow-lists 127.0.0.2 only,
 * standing for a legitimate internal receiver.
 */
const LITERAL_TARGETS = [
  '127.0.0.1/',
  '[::1]/',
  '0x7f000001/',
  '2130706433/',
  '169.254.169.254/latest/meta-data',
  '[::ffff:127.0.0.1]/',
  '127.1/',
  '0177.0.0.1/',
  '10.0.0.5/',
  '[fd00::1]/',
  '[::]/',
];

describe('webhook SSRF', () => {
  let app: TestApp;
  let admin: Account;
  let dns: TestDnsServer;
  let loopback: WebhookReceiver;
  let allowed: WebhookReceiver;

  /** Registers `url`, queues a test event and waits until the attempt is recorded; returns the log line. */
  const deliverTo = async (url: string) => {
    const hook = await registerWebhook(app, admin, { url, events: ['record.created'] });
    expect((await webhooksApi(app).test(admin.headers, hook.id)).statusCode).toBe(202);
    await waitUntil(
      async () => (await deliveryLog(app, admin, hook.id))[0]?.status !== 'pending',
      `the delivery to ${url} is settled`,
    );
    return (await deliveryLog(app, admin, hook.id))[0];
  };
  const blockedFor = async (host: string) =>
    (await auditEntries(app, 'outbound.blocked')).filter((entry) => String(entry.details.url).includes(host));

  beforeAll(async () => {
    dns = await startDnsServer({
      'hooks.attacker.test': ['127.0.0.1'],
      'hooks6.attacker.test': ['::1'],
      'metadata.attacker.test': ['169.254.169.254'],
    });
    loopback = await startWebhookReceiver('127.0.0.1');
    allowed = await startWebhookReceiver('127.0.0.2');
    app = await createTestApp({
      logLevel: 'silent',
      env: {
        BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
        BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.2/32',
        BULWARK_OUTBOUND_DNS_SERVERS: dns.address,
        BULWARK_WEBHOOKS_POLL_INTERVAL_MS: '25',
      },
    });
    await app.start();
    admin = await newAdmin(app);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([dns.close(), loopback.close(), allowed.close()]);
  });

  it.each(LITERAL_TARGETS.flatMap((target) => [`http://${target}`, `https://${target}`]))(
    'refuses %s at registration, naming the field and the setting',
    async (url) => {
      const auditedBefore = (await auditEntries(app, 'webhook.url.refused')).length;
      const refused = await webhooksApi(app).create(admin.headers, { url, events: ['record.*'] });
      expectProblem(refused, 400, 'HOOK_URL_REFUSED');
      expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'url' })]);
      expect(refused.json().detail).toContain('outbound.allowedCidrs');
      expect(
        (await webhooksApi(app).list(admin.headers)).json().items.map((h: { url: string }) => h.url),
      ).not.toContain(url);
      const audited = await auditEntries(app, 'webhook.url.refused');
      expect(audited).toHaveLength(auditedBefore + 1);
      expect(audited[0]?.actor).toBe(admin.id);
    },
  );

  it('refuses credentials in the URL at registration', async () => {
    const refused = await webhooksApi(app).create(admin.headers, {
      url: 'https://user:pass@hooks.example.com/in',
      events: ['record.*'],
    });
    expectProblem(refused, 400, 'HOOK_URL_REFUSED');
    expect(refused.body).not.toContain('pass@');
    const audited = await auditEntries(app, 'webhook.url.refused');
    expect(audited[0]?.details.url).toBe('https://hooks.example.com/in');
    expect(JSON.stringify(audited)).not.toContain('pass@');
  });

  it.each([
    ['hooks.attacker.test', '127.0.0.1'],
    ['hooks6.attacker.test', '::1'],
  ])(
    'a name resolving to loopback (%s → %s) is refused at delivery and never reaches the loopback service',
    async (name) => {
      const line = await deliverTo(`http://${name}:${loopback.port}/in`);
      expect(line).toMatchObject({ status: 'failed', attempts: 1, lastError: 'refused:address', lastStatus: null });
      expect(loopback.received).toHaveLength(0);
      await waitUntil(async () => (await blockedFor(name)).length > 0, `outbound.blocked is audited for ${name}`);
      expect((await blockedFor(name))[0]?.details).toMatchObject({ reason: 'address' });
    },
  );

  it('a name resolving to the metadata address is refused at delivery', async () => {
    const line = await deliverTo('http://metadata.attacker.test/latest/meta-data');
    expect(line).toMatchObject({ status: 'failed', lastError: 'refused:address' });
    await waitUntil(async () => (await blockedFor('metadata.attacker.test')).length > 0, 'outbound.blocked is audited');
  });

  it('an allowed receiver that redirects to loopback: the redirect is refused, loopback gets nothing', async () => {
    allowed.answer('/redirect', () => ({ status: 307, headers: { location: `http://127.0.0.1:${loopback.port}/in` } }));
    const line = await deliverTo(`${allowed.url}/redirect`);
    expect(line?.status).toBe('failed');
    expect(line?.lastError).toMatch(/^refused:/);
    expect(allowed.receivedAt('/redirect')).toHaveLength(1);
    expect(loopback.received).toHaveLength(0);
    await waitUntil(async () => (await blockedFor(`127.0.0.1:${loopback.port}`)).length > 0, 'the redirect is audited');
  });

  it('an allow-listed receiver is reached: the allow-list is what opens an internal address', async () => {
    const line = await deliverTo(`${allowed.url}/welcome`);
    expect(line).toMatchObject({ status: 'succeeded', lastStatus: 204 });
    expect(allowed.receivedAt('/welcome')).toHaveLength(1);
    expect(loopback.received).toHaveLength(0);
  });
});
