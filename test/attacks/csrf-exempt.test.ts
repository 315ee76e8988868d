import { describe, expect, it } from 'vitest';
import {
  issueTokens,
  login,
  me,
  newSignedInUser,
  PASSWORD,
  register,
  sessionSetCookie,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { expectCsrfRefusal } from '../helpers/csrf-checks.js';
import { createTestApp, useTestApp } from '../helpers/test-app.js';

/**
 * What CSRF protection must not refuse: safe requests with the cookie alone, bearer clients
 * (no ambient credential to forge with), and bearer requests from origins CORS allows without
 * credentials. The refusals are in csrf.test.ts and login-csrf.test.ts.
 */

const app = useTestApp();

describe('requests that need no CSRF token', () => {
  it('serves GET requests with the cookie alone', async () => {
    const session = await newSignedInUser(app, 'reader');
    for (const url of ['/api/auth/me', '/api/auth/sessions', '/api/auth/csrf']) {
      const response = await app.http.inject({ url, headers: { cookie: session.cookie } });
      expect(response.statusCode, url).toBe(200);
    }
  });

  it('gives a bearer client no CSRF token (403): it has no cookie to bind one to, and needs none', async () => {
    const email = uniqueEmail('bearer-csrf');
    await register(app, email);
    const { accessToken } = await issueTokens(app, email);
    const response = await app.http.inject({
      url: '/api/auth/csrf',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('AUTH_FORBIDDEN');
  });

  it('serves unsafe bearer-token requests without X-CSRF-Token (a browser cannot forge the header)', async () => {
    const email = uniqueEmail('bearer');
    await register(app, email);
    const cookieSession = await signIn(app, email);
    const list = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: cookieSession.cookie } });
    const cookieSessionId = list.json().items.find((s: { current: boolean }) => s.current).id as string;

    const { accessToken } = await issueTokens(app, email);
    const bearer = { authorization: `Bearer ${accessToken}` };
    const reauth = await app.http.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: bearer,
      payload: { password: PASSWORD },
    });
    expect(reauth.statusCode).toBe(200);
    const revoke = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${cookieSessionId}`,
      headers: bearer,
    });
    expect(revoke.statusCode).toBe(204);
    expect((await me(app, cookieSession.token)).statusCode).toBe(401);
  });
});

describe('CORS origins without credentials (browser apps using bearer tokens)', () => {
  const APP_ORIGIN = 'https://app.example';

  // The cross-site refusal runs before authentication for every unsafe request
  // (src/features/sessions/authenticate.ts, refuseCrossSite): a request that carries the session
  // cookie (or would get one) must come from an origin trusted with credentials; any other may
  // come from any origin CORS allows. With `cors.origins` set and credentials off, sign-in for
  // tokens and bearer requests from that origin carry no ambient authority, so nothing can be
  // forged with them, and they must be served.
  it('lets an origin allowed by CORS get tokens and make unsafe bearer requests', async () => {
    const corsApp = await createTestApp({ env: { BULWARK_CORS_ORIGINS: APP_ORIGIN } });
    try {
      const email = uniqueEmail('cors-bearer');
      await register(corsApp, email);
      const fromApp = { origin: APP_ORIGIN, 'sec-fetch-site': 'cross-site' };
      const tokens = await corsApp.http.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { email, password: PASSWORD },
        headers: fromApp,
      });
      expect(tokens.statusCode).toBe(200);
      const { accessToken } = await issueTokens(corsApp, email);
      const reauth = await corsApp.http.inject({
        method: 'POST',
        url: '/api/auth/reauth',
        payload: { password: PASSWORD },
        headers: { ...fromApp, authorization: `Bearer ${accessToken}` },
      });
      expect(reauth.statusCode).toBe(200);
    } finally {
      await corsApp.close();
    }
  });

  it('still refuses a cookie sign-in from that origin (it may not hold credentials)', async () => {
    const corsApp = await createTestApp({ env: { BULWARK_CORS_ORIGINS: APP_ORIGIN } });
    try {
      const email = uniqueEmail('cors-cookie');
      await register(corsApp, email);
      const response = await login(corsApp, email, PASSWORD, { headers: { origin: APP_ORIGIN } });
      expectCsrfRefusal(response);
      expect(sessionSetCookie(response)).toBeUndefined();
    } finally {
      await corsApp.close();
    }
  });
});
