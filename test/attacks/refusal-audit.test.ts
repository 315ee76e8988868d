import { beforeAll, describe, expect, it } from 'vitest';
import { type Account, auditEntries, expectProblem, newApiKey, newUser } from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Refusals leave evidence (ASVS V16.3.1–V16.3.3): a forged or stolen-and-revoked bearer
 * credential, a user knocking on admin routes, an API key used beyond its scopes, a cross-site
 * request. Each is an `access.denied` audit entry with the code and the route, thinned to 10 a
 * minute per caller (or address) and code so that a scripted flood cannot flood the log.
 */
describe('refusals are audited, thinned', () => {
  let user: Account;

  const app = useTestApp();
  beforeAll(async () => {
    user = await newUser(app, 'knocker');
  });

  const denied = async () =>
    (await auditEntries(app, 'access.denied')).map((e) => ({ ...e, details: e.details as Record<string, unknown> }));

  it('records an unknown bearer token with the address, and thins a flood of them', async () => {
    for (let i = 0; i < 25; i++) {
      const response = await app.http.inject({
        url: '/api/auth/me',
        headers: { authorization: `Bearer bwa_${'x'.repeat(40)}${i}` },
        remoteAddress: '127.0.0.7',
      });
      expectProblem(response, 401, 'AUTH_INVALID_TOKEN');
    }
    const mine = (await denied()).filter((e) => e.ip === '127.0.0.7');
    expect(mine).toHaveLength(10);
    expect(mine[0]?.details).toMatchObject({ code: 'AUTH_INVALID_TOKEN', method: 'GET', route: '/api/auth/me' });
    expect(JSON.stringify(mine)).not.toContain('xxxxxxxx');
  });

  it('records a user on an admin route, and an API key beyond its scopes, with the actor', async () => {
    expectProblem(
      await app.http.inject({ url: '/api/admin/collections', headers: user.headers }),
      403,
      'AUTH_FORBIDDEN',
    );
    const key = await newApiKey(app, user, ['records:read']);
    expectProblem(await app.http.inject({ url: '/api/auth/me', headers: key }), 403, 'AUTH_FORBIDDEN');
    const entries = (await denied()).filter((e) => e.actor === user.id);
    expect(entries.map((e) => [e.details.route, e.details.via])).toEqual(
      expect.arrayContaining([
        ['/api/admin/collections', 'bearer'],
        ['/api/auth/me', 'apiKey'],
      ]),
    );
  });

  it('records a cross-site request refused by the Origin check', async () => {
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...user.headers, origin: 'https://evil.example' },
      remoteAddress: '127.0.0.8',
    });
    expectProblem(response, 403, 'AUTH_CSRF');
    const entries = (await denied()).filter((e) => e.ip === '127.0.0.8');
    expect(entries.map((e) => e.details.code)).toEqual(['AUTH_CSRF']);
  });

  it('does not record ordinary answers (a 404 route, a validation error)', async () => {
    const before = (await denied()).length;
    expect((await app.http.inject({ url: '/api/nope', headers: user.headers })).statusCode).toBe(404);
    expect(
      (await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x' } })).statusCode,
    ).toBe(400);
    expect((await denied()).length).toBe(before);
  });
});
