import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cookieFor, csrfTokenFor, sessionTokenFrom } from '../helpers/auth-client.js';
import { newUser, PASSWORD } from '../helpers/collections-client.js';
import { get, post } from '../helpers/inject-requests.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * API responses a shared cache or a later user of the browser could read: every sampled answer,
 * errors included, is no-store with the API CSP, and logout sends Clear-Site-Data
 * (OWASP ASVS 5.0 V14.3.2, V3.4, V14.3.1).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

const app = useTestApp({ logLevel: 'silent' });

describe('V14.3.2 / V3.4 caching and headers of API responses', () => {
  it('every sampled API and auth response, errors included, is no-store with the API CSP', async () => {
    const user = await newUser(app, 'cache');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const cookie = cookieFor(sessionTokenFrom(login) as string);
    const samples: Array<[string, LightMyRequestResponse]> = [
      ['login 200', login],
      ['login 401', await post(app, '/api/auth/login', { email: user.email, password: 'wrong wrong wrong' })],
      ['token 200', await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })],
      ['me 200', await get(app, '/api/auth/me', user.headers)],
      ['me 401', await get(app, '/api/auth/me')],
      ['csrf 200', await get(app, '/api/auth/csrf', { cookie })],
      ['sessions 200', await get(app, '/api/auth/sessions', user.headers)],
      ['keys 200', await get(app, '/api/keys', user.headers)],
      ['admin 403', await get(app, '/api/admin/collections', user.headers)],
      ['records 404', await get(app, '/api/collections/nope/records')],
      ['unknown 404', await get(app, '/api/nothing-here')],
      ['method 405', await app.http.inject({ method: 'PUT', url: '/api/auth/me' })],
      [
        'type 415',
        await app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'text/plain' },
          payload: 'x',
        }),
      ],
      [
        'json 400',
        await app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: '{"email":',
        }),
      ],
      ['health 200', await get(app, '/api/health')],
      ['refresh 401', await post(app, '/api/auth/refresh', { refreshToken: 'rt_not-a-real-token-at-all' })],
    ];
    for (const [label, response] of samples) {
      expect(String(response.headers['cache-control']), label).toContain('no-store');
      expect(String(response.headers['content-security-policy']), label).toContain("base-uri 'none'");
      expect(response.headers['content-security-policy'], label).toBe(API_CSP);
    }
  });

  it('logout answers Clear-Site-Data, for a cookie session and for a bearer sign-in', async () => {
    const user = await newUser(app, 'leaver');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const token = sessionTokenFrom(login) as string;
    const cookieOut = await post(app, '/api/auth/logout', undefined, {
      cookie: cookieFor(token),
      'x-csrf-token': await csrfTokenFor(app, token),
    });
    expect(cookieOut.statusCode, cookieOut.body).toBe(204);
    expect(String(cookieOut.headers['clear-site-data'])).toContain('"cookies"');
    expect(String(cookieOut.headers['cache-control'])).toContain('no-store');

    const bearerOut = await post(app, '/api/auth/logout', undefined, user.headers);
    expect(bearerOut.statusCode).toBe(204);
    expect(String(bearerOut.headers['clear-site-data'])).toContain('"cookies"');
  });
});
