import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin } from '../helpers/collections-client.js';
import { addPipelineRoutes } from '../helpers/pipeline-routes.js';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';

const app = useTestApp({}, addPipelineRoutes);

const REQUIRED = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const CASES = [
  { name: 'a 200', method: 'GET', url: '/api/health', status: 200 },
  { name: 'the OpenAPI document', method: 'GET', url: '/api/openapi.json', status: 200 },
  { name: 'a 404 for an unknown route', method: 'GET', url: '/nope/../../etc/passwd', status: 404 },
  { name: 'a 405 for a known path', method: 'DELETE', url: '/api/health', status: 405 },
  { name: 'a 400 for invalid input', method: 'POST', url: '/api/test/echo', status: 400, json: { nope: 1 } },
  {
    name: 'a 413 for a large body',
    method: 'POST',
    url: '/api/test/echo',
    status: 413,
    json: { name: 'x'.repeat(2 * 1024 * 1024) },
  },
  { name: 'a 415 for a form body', method: 'POST', url: '/api/test/echo', status: 415, form: 'name=x' },
  { name: 'a 500', method: 'POST', url: '/api/test/fail', status: 500, json: {} },
] as const;

describe('every response type carries the security headers', () => {
  it.each(CASES)('$name', async (scenario) => {
    const response = await app.http.inject({
      method: scenario.method,
      url: scenario.url,
      ...('json' in scenario ? { payload: scenario.json } : {}),
      ...('form' in scenario
        ? { payload: scenario.form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
        : {}),
    });
    expect(response.statusCode).toBe(scenario.status);
    for (const [name, value] of Object.entries(REQUIRED)) expect(response.headers[name], name).toBe(value);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers.server).toBeUndefined();
    // HSTS only means something over TLS; on plain HTTP it is left out (tested in tls e2e).
    expect(response.headers['strict-transport-security']).toBeUndefined();
    if (scenario.status >= 400) {
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const body = response.json();
      expect(body).toMatchObject({ status: scenario.status, requestId: response.headers['x-request-id'] });
      expect(body.type).toMatch(/^https:\/\/bulwark\.dev\/problems\/[a-z-]+$/);
    }
  });

  it('answers 405 with an Allow header naming the methods the path has', async () => {
    const response = await app.http.inject({ method: 'POST', url: '/api/ready' });
    expect(response.statusCode, response.body).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  it('never trusts an incoming X-Request-Id (log injection, id collisions)', async () => {
    const response = await app.http.inject({
      url: '/api/health',
      headers: { 'x-request-id': 'forged\nline' },
    });
    expect(response.headers['x-request-id']).not.toBe('forged\nline');
  });
});

/**
 * ASVS V4.1.1: every body says what it is, with its charset, so no client or browser sniffs
 * it: JSON as application/json, every error as application/problem+json, pages, scripts and
 * styles as their own types, all with charset=utf-8. Checked on every operation of the OpenAPI
 * document (as a guest with an empty body, and as an administrator for reads), the document
 * itself, and the set-up page and its files.
 */
describe('V4.1.1 every response body carries a matching Content-Type with a charset', () => {
  type Answer = { statusCode: number; body: string; headers: Record<string, unknown> };
  const seen: string[] = [];

  function expectTyped(label: string, response: Answer): void {
    seen.push(`${label} ${response.statusCode}`);
    if (response.body === '') return;
    const type = String(response.headers['content-type']);
    expect(type, `${label} answered ${response.statusCode} with a body`).toMatch(/; charset=utf-8$/);
    if (response.statusCode >= 400) {
      expect(type, label).toBe('application/problem+json; charset=utf-8');
    } else if (type.startsWith('application/json')) {
      expect(() => JSON.parse(response.body), `${label}: JSON that parses`).not.toThrow();
    } else {
      expect.fail(`${label} answered ${response.statusCode} with ${type}`);
    }
  }

  it('every operation of the OpenAPI document, as a guest and as an administrator', async () => {
    const document = (await app.http.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const admin = await newAdmin(app);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({
        method: method.toUpperCase() as 'GET',
        // Path parameters get a well-formed id nobody owns.
        url: path.replace(/\{[^}]+\}/g, 'c0ffee00-0000-4000-8000-000000000000'),
      })),
    );
    expect(operations.length).toBeGreaterThan(30);
    for (const operation of operations) {
      const write = operation.method !== 'GET' && operation.method !== 'HEAD';
      const guest = await app.http.inject({ ...operation, ...(write ? { payload: {} } : {}) });
      expectTyped(`guest ${operation.method} ${operation.url}`, guest);
      if (!write)
        expectTyped(`admin GET ${operation.url}`, await app.http.inject({ ...operation, headers: admin.headers }));
    }
    // Both kinds of answer were seen, so the sweep checked successes as well as errors.
    expect(seen.some((label) => / 2\d\d$/.test(label))).toBe(true);
    expect(seen.some((label) => / 4\d\d$/.test(label))).toBe(true);
  });

  it('the OpenAPI document and the set-up page, script and style', async () => {
    const types: Record<string, string> = {
      '/api/openapi.json': 'application/json; charset=utf-8',
      '/_/setup': 'text/html; charset=utf-8',
      '/_/setup.js': 'text/javascript; charset=utf-8',
      '/_/setup.css': 'text/css; charset=utf-8',
    };
    for (const [url, type] of Object.entries(types)) {
      const response = await app.http.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body.length, url).toBeGreaterThan(0);
      expect(response.headers['content-type'], url).toBe(type);
    }
  });
});

describe('HSTS behind a TLS-terminating proxy', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    // 127.0.0.3 is the proxy; light-my-request's default peer (127.0.0.1) is not.
    proxied = await createTestApp({ env: { BULWARK_TRUSTED_PROXIES: '127.0.0.3/32' } });
    await proxied.http.ready();
  });
  afterAll(() => proxied.close());

  const hstsFor = async (remoteAddress: string, proto: string) =>
    (
      await proxied.http.inject({
        method: 'GET',
        url: '/api/health',
        remoteAddress,
        headers: { 'x-forwarded-proto': proto },
      })
    ).headers['strict-transport-security'];

  it('is sent when the trusted proxy says the client used HTTPS', async () => {
    expect(await hstsFor('127.0.0.3', 'https')).toBe('max-age=31536000; includeSubDomains');
    expect(await hstsFor('127.0.0.3', 'http')).toBeUndefined();
  });

  it('is not sent when anyone else claims HTTPS (a forged X-Forwarded-Proto changes nothing)', async () => {
    expect(await hstsFor('127.0.0.1', 'https')).toBeUndefined();
    expect(await hstsFor('127.0.0.9', 'https')).toBeUndefined();
  });
});
