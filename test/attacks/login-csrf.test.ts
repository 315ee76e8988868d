import { beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFor,
  login,
  me,
  OWN_ORIGIN,
  PASSWORD,
  register,
  type SignedIn,
  sessionSetCookie,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { EVIL_ORIGIN, expectCsrfRefusal } from '../helpers/csrf-checks.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Login CSRF: a cross-site page signing the victim's browser into the attacker's account. Every
 * sign-in a browser marks as cross-site is refused before the password is checked, and sets no
 * cookie, even when the browser already holds a session.
 */

const app = useTestApp();

/** A refused forgery must have done nothing: the session is still alive. */
async function expectStillSignedIn(session: SignedIn): Promise<void> {
  expect((await me(app, session.token)).statusCode).toBe(200);
}

describe('login CSRF', () => {
  let email: string;
  let userId: string;
  beforeAll(async () => {
    email = uniqueEmail('login-csrf');
    userId = (await register(app, email)).id;
  });

  it.each([
    ['a cross-site Origin', { origin: EVIL_ORIGIN }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses a sign-in from %s and sets no cookie', async (_name, headers) => {
    const response = await login(app, email, PASSWORD, { headers });
    expectCsrfRefusal(response);
    expect(sessionSetCookie(response)).toBeUndefined();
  });

  it('refuses a cross-site sign-in before checking the password: right and wrong look the same', async () => {
    const successes = async () =>
      (await app.audit.listRecent(500, 'auth.login.success')).filter((e) => e.actor === userId).length;
    const before = await successes();
    const right = await login(app, email, PASSWORD, { headers: { origin: EVIL_ORIGIN } });
    const wrong = await login(app, email, 'definitely the wrong one 55', { headers: { origin: EVIL_ORIGIN } });
    expectCsrfRefusal(right);
    expectCsrfRefusal(wrong);
    const { requestId: _a, ...rightBody } = right.json();
    const { requestId: _b, ...wrongBody } = wrong.json();
    expect(rightBody).toEqual(wrongBody);
    expect(await successes()).toBe(before);
  });

  it('accepts a sign-in from the own origin', async () => {
    const response = await login(app, email, PASSWORD, {
      headers: { origin: OWN_ORIGIN, 'sec-fetch-site': 'same-origin' },
    });
    expect(response.statusCode).toBe(200);
    expect(sessionSetCookie(response)).toBeDefined();
  });

  it('refuses a cross-site sign-in even when the browser already holds a session', async () => {
    const session = await signIn(app, email);
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
      headers: { cookie: cookieFor(session.token), 'x-csrf-token': session.csrf, origin: EVIL_ORIGIN },
    });
    expectCsrfRefusal(response);
    await expectStillSignedIn(session);
  });
});
