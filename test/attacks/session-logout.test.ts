import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  cookieFor,
  csrfTokenFor,
  issueTokens,
  login,
  me,
  newSignedInUser,
  PASSWORD,
  register,
  sessionSetCookie,
  sessionTokenFrom,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { enrolTotp, injectSend } from '../helpers/mfa-client.js';
import { cookieAttributes, expectHostOnlySessionCookie, sessionsClient, unsafe } from '../helpers/session-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Sessions that linger after sign-out: logout kills the cookie session or the bearer family at
 * once, and in every mode tells the browser to clear what it holds (OWASP ASVS 5.0 V7.4.1,
 * V14.3.1).
 */

const app = useTestApp();
const { currentSessionId, sessionRow } = sessionsClient(app);

describe('logout', () => {
  it('kills the cookie session at once, clears the cookie and site data', async () => {
    const session = await newSignedInUser(app, 'logout');
    const id = await currentSessionId(session);
    const response = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: unsafe(session) });
    expect(response.statusCode).toBe(204);
    expect(response.headers['clear-site-data']).toContain('"cookies"');
    // The clearing cookie must carry the __Host- attributes, or browsers ignore it.
    expectHostOnlySessionCookie(response);
    expect(sessionTokenFrom(response)).toBe('');
    const attributes = cookieAttributes(sessionSetCookie(response) as string);
    const expired = attributes.get('max-age') === '0' || Date.parse(String(attributes.get('expires'))) <= Date.now();
    expect(expired).toBe(true);

    expect((await me(app, session.token)).statusCode).toBe(401);
    expect(await sessionRow(id)).toBeUndefined();
    // Replaying the dead cookie does not bring it back.
    const replay = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: unsafe(session) });
    expect(replay.statusCode).toBe(204);
    expect((await me(app, session.token)).statusCode).toBe(401);
  });

  it('kills a bearer family at once: its access token and its refresh token', async () => {
    const email = uniqueEmail('bearer-logout');
    await register(app, email);
    const { accessToken, refreshToken } = await issueTokens(app, email);
    const bearer = { authorization: `Bearer ${accessToken}` };
    expect((await app.http.inject({ url: '/api/auth/me', headers: bearer })).statusCode).toBe(200);

    const response = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer });
    expect(response.statusCode).toBe(204);
    expect((await app.http.inject({ url: '/api/auth/me', headers: bearer })).statusCode).toBe(401);
    const refresh = await app.http.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect(refresh.json().code).toBe('AUTH_INVALID_TOKEN');
  });
});

/**
 * ASVS V14.3.1: whatever state the sign-in is in and however the client sends it, logout tells
 * the browser to drop what it holds (Clear-Site-Data for cookies and storage) and expires the
 * session cookie whenever one was sent, with the __Host- attributes browsers need to accept it.
 */
describe('V14.3.1 logout clears the browser in every mode', () => {
  const logout = (headers: Record<string, string>) =>
    app.http.inject({ method: 'POST', url: '/api/auth/logout', headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  function expectSiteDataCleared(response: LightMyRequestResponse): void {
    expect(response.statusCode, response.body).toBe(204);
    expect(response.headers['clear-site-data']).toBe('"cookies", "storage"');
  }
  function expectCookieExpired(response: LightMyRequestResponse): void {
    expectHostOnlySessionCookie(response);
    expect(sessionTokenFrom(response)).toBe('');
    const attributes = cookieAttributes(sessionSetCookie(response) as string);
    expect(attributes.get('max-age') === '0' || Date.parse(String(attributes.get('expires'))) <= Date.now()).toBe(true);
  }
  /** A cookie sign-in of a fresh account, as the login answer left it, with its CSRF token. */
  async function cookieSignIn(email: string) {
    const response = await login(app, email);
    expect(response.statusCode, response.body).toBe(200);
    const token = sessionTokenFrom(response) as string;
    return {
      body: response.json(),
      token,
      headers: { cookie: cookieFor(token), 'x-csrf-token': await csrfTokenFor(app, token) },
    };
  }

  it('a full cookie session', async () => {
    const session = await newSignedInUser(app, 'v1431-full');
    const response = await logout(unsafe(session));
    expectSiteDataCleared(response);
    expectCookieExpired(response);
    expect((await me(app, session.token)).statusCode).toBe(401);
  });

  it('a cookie session still waiting for its second factor', async () => {
    const email = uniqueEmail('v1431-pending');
    await register(app, email);
    const { accessToken } = await issueTokens(app, email);
    await enrolTotp(injectSend(app), bearer(accessToken));
    const pending = await cookieSignIn(email);
    expect(pending.body).toMatchObject({ mfaRequired: true });
    const response = await logout(pending.headers);
    expectSiteDataCleared(response);
    expectCookieExpired(response);
    expect((await me(app, pending.token)).statusCode).toBe(401);
  });

  it('an administrator who has still to enrol a second factor', async () => {
    const email = uniqueEmail('v1431-enrol');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const enrolling = await cookieSignIn(email);
    expect(enrolling.body).toMatchObject({ mfaEnrolmentRequired: true });
    const response = await logout(enrolling.headers);
    expectSiteDataCleared(response);
    expectCookieExpired(response);
    expect((await me(app, enrolling.token)).statusCode).toBe(401);
  });

  it('a bearer token sent together with the browser cookie', async () => {
    const session = await newSignedInUser(app, 'v1431-both');
    const { accessToken } = await issueTokens(app, session.user.email);
    const response = await logout({ ...bearer(accessToken), cookie: session.cookie });
    expectSiteDataCleared(response);
    expectCookieExpired(response);
    expect((await me(app, session.token)).statusCode).toBe(401);
  });

  it('a bearer token alone (no cookie to expire, the browser is still told to clear)', async () => {
    const email = uniqueEmail('v1431-bearer');
    await register(app, email);
    const { accessToken } = await issueTokens(app, email);
    const response = await logout(bearer(accessToken));
    expectSiteDataCleared(response);
    expect(sessionSetCookie(response)).toBeUndefined();
  });

  it('a cookie whose session already ended', async () => {
    const session = await newSignedInUser(app, 'v1431-dead');
    expectSiteDataCleared(await logout(unsafe(session)));
    const response = await logout(unsafe(session));
    expectSiteDataCleared(response);
    expectCookieExpired(response);
  });
});
