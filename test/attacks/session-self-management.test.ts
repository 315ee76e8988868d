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
  sessionTokenFrom,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { minutes, sessionsClient, unsafe } from '../helpers/session-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Users seeing and ending their own sessions, and only theirs: the list marks the current one,
 * another user's session cannot be revoked, ending the others needs a recent sign-in, and a
 * password change ends them (OWASP ASVS 5.0 V7.5.2, V7.4.3).
 */

const app = useTestApp();
const { sessionsOf, currentSessionId, sessionRow } = sessionsClient(app);

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
