import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  cookieFor,
  csrfTokenFor,
  issueTokens,
  login,
  me,
  newSignedInUser,
  OTHER_PASSWORD,
  PASSWORD,
  register,
  SESSION_COOKIE,
  type SignedIn,
  sessionSetCookie,
  sessionTokenFrom,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { enrolTotp, injectSend } from '../helpers/mfa-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Session fixation, theft and lingering sessions: a new session token at every sign-in and
 * step-up, the old one dead at once; sign-out and expiry end sessions for real; users see and
 * control their own sessions only; tokens are stored as hashes.
 */

const app = useTestApp();

const sessionsOf = async (session: SignedIn) => {
  const response = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: session.cookie } });
  expect(response.statusCode).toBe(200);
  return response.json().items as Array<{
    id: string;
    current: boolean;
    ip: string;
    userAgent: string;
    lastSeen: string;
  }>;
};
const currentSessionId = async (session: SignedIn) => (await sessionsOf(session)).find((s) => s.current)?.id as string;
const sessionRow = (id: string) =>
  app.database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
const minutes = (n: number) => n * 60_000;
const unsafe = (session: SignedIn) => ({ cookie: session.cookie, 'x-csrf-token': session.csrf });

/** Set-Cookie attributes by lower-cased name; flags map to true. */
function cookieAttributes(line: string): Map<string, string | true> {
  const [, ...parts] = line.split(';').map((part) => part.trim());
  return new Map(
    parts.map((part) => {
      const [name = '', ...value] = part.split('=');
      return [name.toLowerCase(), value.length ? value.join('=') : true] as const;
    }),
  );
}

function expectHostOnlySessionCookie(response: LightMyRequestResponse): void {
  const line = sessionSetCookie(response);
  expect(line, 'a session Set-Cookie').toBeDefined();
  expect(line?.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  const attributes = cookieAttributes(line as string);
  expect(attributes.get('httponly')).toBe(true);
  expect(attributes.get('secure')).toBe(true);
  expect(attributes.get('samesite')).toBe('Lax');
  expect(attributes.get('path')).toBe('/');
  expect(attributes.has('domain')).toBe(false);
  // Nothing else beyond the lifetime.
  const extra = [...attributes.keys()].filter(
    (name) => !['httponly', 'secure', 'samesite', 'path', 'max-age', 'expires'].includes(name),
  );
  expect(extra).toEqual([]);
}

describe('session fixation', () => {
  it('issues a new session token at every sign-in and ends the session the browser presented', async () => {
    const first = await newSignedInUser(app, 'relogin');
    const again = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: first.user.email, password: PASSWORD },
      headers: unsafe(first),
    });
    expect(again.statusCode).toBe(200);
    const second = sessionTokenFrom(again) as string;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first.token);
    expect((await me(app, first.token)).statusCode).toBe(401);
    expect((await me(app, second)).statusCode).toBe(200);
  });

  it("ends an attacker's planted session when the victim signs in over it", async () => {
    const attacker = await newSignedInUser(app, 'planter');
    const victimEmail = uniqueEmail('planted');
    await register(app, victimEmail);
    // The victim's browser carries the attacker's cookie (and, as a page would, fetched its CSRF token).
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: victimEmail, password: PASSWORD },
      headers: unsafe(attacker),
    });
    expect(response.statusCode).toBe(200);
    const victimToken = sessionTokenFrom(response) as string;
    expect(victimToken).not.toBe(attacker.token);
    expect((await me(app, attacker.token)).statusCode).toBe(401);
    expect((await me(app, victimToken)).json().user.email).toBe(victimEmail);
  });

  it('issues a new session token at step-up (/api/auth/reauth) and the old one stops working', async () => {
    const session = await newSignedInUser(app, 'stepup');
    const idBefore = await currentSessionId(session);
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: unsafe(session),
      payload: { password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expectHostOnlySessionCookie(response);
    const stepped = sessionTokenFrom(response) as string;
    expect(stepped).not.toBe(session.token);
    expect((await me(app, session.token)).statusCode).toBe(401);
    expect((await me(app, stepped)).statusCode).toBe(200);
    // The same sign-in carries on under the new token.
    expect(await currentSessionId({ ...session, token: stepped, cookie: cookieFor(stepped) })).toBe(idBefore);
  });

  it('refuses a step-up with the wrong password and keeps the token unchanged', async () => {
    const session = await newSignedInUser(app, 'stepup-wrong');
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: unsafe(session),
      payload: { password: 'not my password at all 12' },
    });
    expect(response.statusCode).toBe(401);
    expect(sessionSetCookie(response)).toBeUndefined();
    expect((await me(app, session.token)).statusCode).toBe(200);
  });

  it('sets the session cookie as __Host- with exactly HttpOnly, Secure, SameSite=Lax, Path=/ and no Domain', async () => {
    const email = uniqueEmail('attrs');
    await register(app, email);
    const response = await login(app, email);
    expect(response.statusCode).toBe(200);
    expectHostOnlySessionCookie(response);
    // Exactly one session cookie, and no other cookie at all.
    expect(response.headers['set-cookie']).toBeTypeOf('string');
  });
});

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

describe('expiry', () => {
  it('refuses and deletes a session idle longer than the idle timeout', async () => {
    const session = await newSignedInUser(app, 'idle');
    const id = await currentSessionId(session);
    const idleMs = app.config.auth.sessionIdleTimeoutSeconds * 1000;

    // Control: idle for a while but within the timeout still works.
    const recent = Date.now() - idleMs + minutes(2);
    await app.database.db.updateTable('sessions').set({ last_seen_ms: recent }).where('id', '=', id).execute();
    expect((await me(app, session.token)).statusCode).toBe(200);

    await app.database.db
      .updateTable('sessions')
      .set({ last_seen_ms: Date.now() - idleMs - minutes(1) })
      .where('id', '=', id)
      .execute();
    expect((await me(app, session.token)).statusCode).toBe(401);
    expect(await sessionRow(id)).toBeUndefined();
  });

  it('refuses and deletes a session past its absolute lifetime, however active', async () => {
    const session = await newSignedInUser(app, 'absolute');
    const id = await currentSessionId(session);
    const now = Date.now();
    const lifetimeMs = app.config.auth.sessionAbsoluteLifetimeSeconds * 1000;
    await app.database.db
      .updateTable('sessions')
      .set({ created_ms: now - lifetimeMs - minutes(1), expires_ms: now - minutes(1), last_seen_ms: now })
      .where('id', '=', id)
      .execute();
    expect((await me(app, session.token)).statusCode).toBe(401);
    expect(await sessionRow(id)).toBeUndefined();
  });
});

describe('seeing and ending sessions', () => {
  it('lists each session with its device, address and last use, marking the current one', async () => {
    const email = uniqueEmail('devices');
    await register(app, email);
    const laptop = await signIn(app, email, PASSWORD, {
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
      remoteAddress: '198.51.100.23',
    });
    await signIn(app, email, PASSWORD, {
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile Safari/604.1' },
      remoteAddress: '203.0.113.9',
    });
    const items = await sessionsOf(laptop);
    expect(items).toHaveLength(2);
    const current = items.find((s) => s.current);
    const phone = items.find((s) => !s.current);
    expect(current).toMatchObject({ ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' });
    expect(phone).toMatchObject({ ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (iPhone) Mobile Safari/604.1' });
    for (const item of items) expect(Math.abs(Date.parse(item.lastSeen) - Date.now())).toBeLessThan(minutes(1));
  });

  it("does not let a user revoke another user's session (404, and it keeps working)", async () => {
    const mallory = await newSignedInUser(app, 'mallory');
    const alice = await newSignedInUser(app, 'alice');
    const aliceSessionId = await currentSessionId(alice);

    const attempt = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${aliceSessionId}`,
      headers: unsafe(mallory),
    });
    const unknown = await app.http.inject({
      method: 'DELETE',
      url: '/api/auth/sessions/no-such-session-id',
      headers: unsafe(mallory),
    });
    expect(attempt.statusCode).toBe(404);
    // Indistinguishable from an id that does not exist.
    const { requestId: _a, ...attemptBody } = attempt.json();
    const { requestId: _b, ...unknownBody } = unknown.json();
    expect(attemptBody).toEqual(unknownBody);
    expect((await me(app, alice.token)).statusCode).toBe(200);
    expect(await sessionRow(aliceSessionId)).toBeDefined();
  });

  it('ends all other sessions on request, only after a recent sign-in, keeping the current one', async () => {
    const email = uniqueEmail('endall');
    await register(app, email);
    const here = await signIn(app, email);
    const elsewhere = await signIn(app, email);
    const { accessToken } = await issueTokens(app, email);
    const endOthers = () => app.http.inject({ method: 'DELETE', url: '/api/auth/sessions', headers: unsafe(here) });

    // A stolen but old session cannot throw the owner out of every other device.
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: Date.now() - minutes(10) })
      .where('id', '=', await currentSessionId(here))
      .execute();
    const stale = await endOthers();
    expect(stale.statusCode, stale.body).toBe(403);
    expect(stale.json().type).toMatch(/step-up-required$/);
    const staleOne = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${await currentSessionId(elsewhere)}`,
      headers: unsafe(here),
    });
    expect(staleOne.statusCode).toBe(403);
    expect((await me(app, elsewhere.token)).statusCode).toBe(200);

    const reauth = await app.http.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: unsafe(here),
      payload: { password: PASSWORD },
    });
    expect(reauth.statusCode).toBe(200);
    // The step-up gave the session a new id, and so a new CSRF token.
    const token = sessionTokenFrom(reauth) as string;
    const fresh = { ...here, token, cookie: cookieFor(token), csrf: await csrfTokenFor(app, token) };
    const ended = await app.http.inject({
      method: 'DELETE',
      url: '/api/auth/sessions',
      headers: { cookie: fresh.cookie, 'x-csrf-token': fresh.csrf },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toEqual({ revoked: 2 });
    expect((await me(app, elsewhere.token)).statusCode).toBe(401);
    const bearerMe = await app.http.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(bearerMe.statusCode).toBe(401);
    expect((await me(app, fresh.token)).statusCode).toBe(200);
  });

  it('ends every other session, cookie and bearer, on a password change but keeps the current one', async () => {
    const email = uniqueEmail('pwchange');
    await register(app, email);
    const here = await signIn(app, email);
    const elsewhere = await signIn(app, email);
    const { accessToken, refreshToken } = await issueTokens(app, email);

    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/password/change',
      headers: unsafe(here),
      payload: { currentPassword: PASSWORD, newPassword: OTHER_PASSWORD },
    });
    expect(response.statusCode).toBe(204);

    expect((await me(app, here.token)).statusCode).toBe(200);
    expect((await me(app, elsewhere.token)).statusCode).toBe(401);
    const bearerMe = await app.http.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(bearerMe.statusCode).toBe(401);
    const refresh = await app.http.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect((await sessionsOf(here)).map((s) => s.current)).toEqual([true]);
    // The current session still works for unsafe requests with its token.
    expect(await csrfTokenFor(app, here.token)).toBe(here.csrf);

    expect((await login(app, email, PASSWORD)).statusCode).toBe(401);
    expect((await login(app, email, OTHER_PASSWORD)).statusCode).toBe(200);
  });
});

describe('session storage', () => {
  it('stores session and bearer tokens only as hashes', async () => {
    const session = await newSignedInUser(app, 'hashed');
    const { accessToken, refreshToken } = await issueTokens(app, session.user.email);
    const db = app.database.db;
    const rows = {
      sessions: await db.selectFrom('sessions').selectAll().execute(),
      access_tokens: await db.selectFrom('access_tokens').selectAll().execute(),
      refresh_tokens: await db.selectFrom('refresh_tokens').selectAll().execute(),
    };
    expect(rows.sessions.length).toBeGreaterThan(0);
    expect(rows.access_tokens.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    for (const [name, secret] of Object.entries({ cookie: session.token, accessToken, refreshToken })) {
      expect(dump, `${name} stored in clear`).not.toContain(secret);
      // Nor the random part alone, should a prefix be stripped before storing.
      expect(dump, `${name} body stored in clear`).not.toContain(secret.slice(-24));
    }
  });
});
