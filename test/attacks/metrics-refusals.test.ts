import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { createSelfSignedCertificate } from '../helpers/certificates.js';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { filesBase, multipartBody, PDF_MINIMAL, PNG_1X1, upload } from '../helpers/files-client.js';
import { moved, scrape } from '../helpers/metrics-scrape.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver, waitUntil } from '../helpers/webhook-receiver.js';
import { deliveryLog, registerWebhook } from '../helpers/webhooks-client.js';

/**
 * Refusals that have their own series, each caused through the app and counted exactly once:
 * 429s by the budget that refused, upload refusals by reason, outbound refusals past the audit
 * log's thinning, webhook attempts by outcome, and the certificate's expiry read from the
 * served file.
 */

const TOKEN = 'metrics-refusals-token-0123456789abcdef';

describe('rate-limit refusals by scope', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      env: {
        BULWARK_METRICS_TOKEN: TOKEN,
        BULWARK_TRUSTED_PROXIES: '127.0.0.1',
        // The test's own set-up and scrapes come from 127.0.0.1, the refused clients through the proxy.
        BULWARK_ABUSE_ALLOW_LIST: '127.0.0.1',
        BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: '3',
        BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: '2',
        BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: '2',
      },
    });
  });
  afterAll(() => app.close());

  it('counts the per-address, per-account and sign-in budgets apart', async () => {
    const user = await newUser(app, 'budget');
    const get = (url: string, address: string, headers: Record<string, string> = {}) =>
      app.http.inject({ url, headers: { ...headers, 'x-forwarded-for': address } });
    const before = await scrape(app, TOKEN);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await get('/api/health', '192.0.2.61')).statusCode);
    for (let i = 0; i < 3; i++) codes.push((await get('/api/auth/me', '192.0.2.60', user.headers)).statusCode);
    for (let i = 0; i < 3; i++) {
      const response = await app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': '192.0.2.62' },
        payload: { email: uniqueEmail('limited'), password: OTHER_PASSWORD },
      });
      codes.push(response.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429, 200, 200, 429, 401, 401, 429]);
    const delta = moved(before, await scrape(app, TOKEN));
    expect(delta('bulwark_rate_limit_refusals_total', { scope: 'address' })).toBe(1);
    expect(delta('bulwark_rate_limit_refusals_total', { scope: 'account' })).toBe(1);
    expect(delta('bulwark_rate_limit_refusals_total', { scope: 'auth' })).toBe(1);
  });
});

describe('upload and outbound refusals', () => {
  let app: TestApp;
  let url: string;
  let headers: Record<string, string>;
  beforeAll(async () => {
    app = await createTestApp({ env: { BULWARK_METRICS_TOKEN: TOKEN } });
    const admin = await newAdmin(app);
    const user = await newUser(app, 'uploader');
    headers = user.headers;
    const name = uniqueName('pics');
    const open = { list: '', view: '', create: '', update: '', delete: '' };
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'pic', type: 'file', types: ['image/png'], maxSizeBytes: 1024 }],
      rules: open,
    });
    const record = await recordsApi(app, name).create(headers, {});
    expect(record.statusCode, record.body).toBe(201);
    url = filesBase(name, record.json().id, 'pic');
  });
  afterAll(() => app.close());

  it('counts uploads refused for their type, their size and a malformed body', async () => {
    const before = await scrape(app, TOKEN);
    expect((await upload(app, url, headers, { filename: 'a.png', data: PDF_MINIMAL })).statusCode).toBe(415);
    const big = Buffer.concat([PNG_1X1, Buffer.alloc(2048)]);
    expect((await upload(app, url, headers, { filename: 'b.png', data: big })).statusCode).toBe(413);
    const { body, contentType } = multipartBody([
      { name: 'file', filename: 'c.png', data: PNG_1X1 },
      { name: 'file', filename: 'd.png', data: PNG_1X1 },
    ]);
    const twoParts = await app.http.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': contentType },
      payload: body,
    });
    expect(twoParts.json().code).toBe('FILE_MALFORMED_UPLOAD');
    const delta = moved(before, await scrape(app, TOKEN));
    expect(delta('bulwark_file_uploads_refused_total', { reason: 'type' })).toBe(1);
    expect(delta('bulwark_file_uploads_refused_total', { reason: 'size' })).toBe(1);
    expect(delta('bulwark_file_uploads_refused_total', { reason: 'malformed' })).toBe(1);
    expect(delta('bulwark_file_uploads_refused_total', { reason: 'infected' })).toBe(0);
  });

  it('counts every outbound refusal, past the ten a minute the audit log keeps', async () => {
    const before = await scrape(app, TOKEN);
    const refusals = 12;
    for (let i = 0; i < refusals; i++) {
      await expect(app.outbound.request('https://127.0.0.1/hook')).rejects.toMatchObject({ reason: 'address' });
    }
    await expect(app.outbound.request('http://example.com/hook')).rejects.toMatchObject({ reason: 'scheme' });
    await app.audit.flush();
    const delta = moved(before, await scrape(app, TOKEN));
    expect(delta('bulwark_outbound_blocked_total', { reason: 'address' })).toBe(refusals);
    expect(delta('bulwark_outbound_blocked_total', { reason: 'scheme' })).toBe(1);
  });
});

describe('TLS certificate expiry', () => {
  let app: TestApp;
  let dir: string;
  let notAfterMs: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-metrics-tls-'));
    const certificate = createSelfSignedCertificate(dir, 'served');
    notAfterMs = Date.parse(new X509Certificate(certificate.cert).validTo);
    app = await createTestApp({
      env: {
        BULWARK_METRICS_TOKEN: TOKEN,
        BULWARK_TLS_CERT: certificate.certPath,
        BULWARK_TLS_KEY: certificate.keyPath,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the seconds left on the served certificate', async () => {
    const earliest = Date.now();
    const seconds = (await scrape(app, TOKEN)).value('bulwark_tls_certificate_expiry_seconds');
    const latest = Date.now();
    expect(seconds).toBeGreaterThanOrEqual(Math.floor((notAfterMs - latest) / 1000) - 1);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((notAfterMs - earliest) / 1000));
    expect(seconds).toBeGreaterThan(0);
  });
});

describe('webhook delivery outcomes', () => {
  let app: TestApp;
  let admin: Account;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await createTestApp({
      logLevel: 'silent',
      env: {
        BULWARK_METRICS_TOKEN: TOKEN,
        BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
        BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
        BULWARK_WEBHOOKS_POLL_INTERVAL_MS: '25',
        BULWARK_WEBHOOKS_RETRY_BASE_MS: '20',
        BULWARK_WEBHOOKS_RETRY_MAX_MS: '40',
        BULWARK_WEBHOOKS_MAX_ATTEMPTS: '2',
      },
    });
    await app.start();
    admin = await newAdmin(app);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('counts a delivered attempt, a failed one that is retried, and the one that gives up', async () => {
    const notes = uniqueName('notes');
    await createCollection(app, admin, { name: notes, fields: [{ name: 'title', type: 'text' }], rules: {} });
    receiver.answer('/down', () => 500);
    const up = await registerWebhook(app, admin, { url: `${receiver.url}/up`, events: ['record.created'] });
    await registerWebhook(app, admin, { url: `${receiver.url}/down`, events: ['record.created'] });
    const before = await scrape(app, TOKEN);
    await createRecord(app, notes, admin.headers, { title: 'one' });
    const settled = async (id: string, status: string) =>
      (await deliveryLog(app, admin, id)).some((line) => line.status === status);
    // The dead letter's audit entry is written after its attempt is counted, and long after the
    // first round delivered the other hook's: once it is there, every attempt has been counted.
    const deadAudited = async () => (await app.audit.listRecent(10, 'webhook.delivery.dead')).length > 0;
    await waitUntil(async () => (await settled(up.id, 'succeeded')) && (await deadAudited()), 'both settle');
    const delta = moved(before, await scrape(app, TOKEN));
    expect(receiver.receivedAt('/down')).toHaveLength(2);
    expect(delta('bulwark_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(1);
    expect(delta('bulwark_webhook_deliveries_total', { outcome: 'failed' })).toBe(1);
    expect(delta('bulwark_webhook_deliveries_total', { outcome: 'dead' })).toBe(1);
  });
});
