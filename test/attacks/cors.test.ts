import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';

const preflight = (app: TestApp, origin: string) =>
  app.http.inject({
    method: 'OPTIONS',
    url: '/api/health',
    headers: { origin, 'access-control-request-method': 'GET' },
  });

describe('CORS off by default', () => {
  const app = useTestApp({ logLevel: 'silent' });

  it('grants no origin anything, not even on a simple GET', async () => {
    const response = await app.http.inject({ url: '/api/health', headers: { origin: 'https://evil.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await preflight(app, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with an allow-list and credentials', () => {
  const app = useTestApp({
    logLevel: 'silent',
    env: { BULWARK_CORS_ORIGINS: 'https://app.example', BULWARK_CORS_CREDENTIALS: 'true' },
  });

  it('echoes only the listed origin, with credentials and Vary: Origin', async () => {
    const response = await preflight(app, 'https://app.example');
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(String(response.headers.vary)).toMatch(/Origin/i);
  });

  it.each([
    'https://evil.example',
    'https://app.example.evil.example',
    'https://evilapp.example',
    'http://app.example',
    'null',
  ])('grants nothing to %s', async (origin) => {
    const response = await preflight(app, origin);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await app.http.inject({ url: '/api/health', headers: { origin } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('still sends the security headers on a preflight answer', async () => {
    const response = await preflight(app, 'https://app.example');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeDefined();
  });
});

describe('a wildcard origin with credentials', () => {
  it('refuses to start, naming the check', async () => {
    await expect(
      createTestApp({ env: { BULWARK_CORS_ORIGINS: '*', BULWARK_CORS_CREDENTIALS: 'true' } }),
    ).rejects.toMatchObject({ findings: [expect.objectContaining({ id: 'cors-wildcard-with-credentials' })] });
  });
});
