import { describe, expect, it } from 'vitest';
import {
  cookieFor,
  login,
  me,
  newSignedInUser,
  PASSWORD,
  register,
  sessionSetCookie,
  sessionTokenFrom,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { expectHostOnlySessionCookie, sessionsClient, unsafe } from '../helpers/session-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Session fixation: a new session token at every sign-in and step-up, the session the browser
 * presented (an attacker's planted one included) ended at once, and the cookie host-only
 * (OWASP ASVS 5.0 V7.2.4, V3.3.1, V3.3.3).
 */

const app = useTestApp();
const { currentSessionId } = sessionsClient(app);

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
