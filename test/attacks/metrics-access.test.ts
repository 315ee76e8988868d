import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { newUser } from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * `GET /metrics` is for Prometheus only: the metrics token or an allow-listed address. Anyone
 * else gets exactly what an unknown route gives, whatever they send, so the route cannot even
 * be found by probing (ASVS V13.4.5 / V16 monitoring endpoints not exposed).
 */

const TOKEN = randomBytes(24).toString('base64url'); // 32 characters
const PROMETHEUS = '10.20.0.7';
const STRANGER = '198.51.100.23';

/** What a client can compare: status, headers that could differ, the body minus its request id. */
function visible(response: LightMyRequestResponse) {
  const { 'x-request-id': _id, date: _date, 'content-length': _length, ...headers } = response.headers;
  const body = response.body === '' ? null : (response.json() as Record<string, unknown>);
  if (body) delete body.requestId;
  return { status: response.statusCode, headers, body };
}

describe('GET /metrics access', () => {
  const request = (options: InjectOptions & { from?: string }) => {
    const { from = STRANGER, headers = {}, ...rest } = options;
    return app.http.inject({ ...rest, headers: { ...headers, 'x-forwarded-for': from } });
  };
  /** The same request sent to /metrics and to a path that does not exist must look the same. */
  const expectLikeUnknownRoute = async (options: InjectOptions & { from?: string }) => {
    const metrics = await request({ ...options, url: '/metrics' });
    const unknown = await request({ ...options, url: '/metricz' });
    expect(metrics.statusCode).not.toBe(200);
    expect(visible(metrics)).toEqual(visible(unknown));
    expect(metrics.body).not.toContain('bulwark_');
    return metrics;
  };

  const app = useTestApp({
    env: {
      BULWARK_METRICS_TOKEN: TOKEN,
      BULWARK_METRICS_ALLOWED_CIDRS: '10.20.0.0/24',
      BULWARK_TRUSTED_PROXIES: '127.0.0.1',
    },
  });

  it('answers a request without the token like an unknown route: 404 HTTP_NOT_FOUND', async () => {
    const response = await expectLikeUnknownRoute({ method: 'GET' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('HTTP_NOT_FOUND');
  });

  it('answers a wrong token, another scheme or a user’s own bearer token like an unknown route', async () => {
    const user = await newUser(app, 'metrics-user');
    const wrong = [
      `Bearer ${TOKEN.slice(0, -1)}${TOKEN.endsWith('A') ? 'B' : 'A'}`,
      `Bearer ${TOKEN}x`,
      `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
      `Bearer ${'A'.repeat(40)}`,
      user.headers.authorization as string,
    ];
    for (const authorization of wrong) {
      await expectLikeUnknownRoute({ method: 'GET', headers: { authorization } });
    }
  });

  it('names no route in a 405 and answers every other method like an unknown route', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const) {
      const response = await expectLikeUnknownRoute({ method });
      expect(response.statusCode).toBe(404);
      expect(response.headers.allow).toBeUndefined();
    }
    // Even with the token: only GET scrapes.
    await expectLikeUnknownRoute({ method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  });

  it('serves Prometheus text with the token', async () => {
    const response = await request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('# TYPE bulwark_http_requests_total counter');
    expect(response.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    const lower = await request({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    expect(lower.statusCode).toBe(200);
  });

  it('serves an allow-listed address without a token, and no other', async () => {
    const allowed = await request({ method: 'GET', url: '/metrics', from: PROMETHEUS });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.body).toContain('bulwark_dependency_up{dependency="database"} 1');
    await expectLikeUnknownRoute({ method: 'GET', from: '10.20.1.7' });
    // Without a trusted proxy in between, X-Forwarded-For is not the client's address.
    const forged = await app.http.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '127.0.0.2',
      headers: { 'x-forwarded-for': PROMETHEUS },
    });
    expect(forged.statusCode).toBe(404);
  });

  it('keeps the route out of the OpenAPI document and the token out of the logs', async () => {
    const doc = (await app.http.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    await request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(app.logs.text).not.toContain(TOKEN);
  });
});

describe('metrics.token strength', () => {
  it('refuses to start with a token under 32 characters, naming the key', () => {
    const load = () => loadConfig({ env: { BULWARK_METRICS_TOKEN: 'short-metrics-token-31-chars-xx' }, cwd: '/' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/BULWARK_METRICS_TOKEN \(metrics\.token\)/);
    expect(() => loadConfig({ env: { BULWARK_METRICS_TOKEN: TOKEN }, cwd: '/' })).not.toThrow();
  });
});
