import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFor,
  csrfTokenFor,
  me,
  newSignedInUser,
  OWN_ORIGIN,
  PASSWORD,
  register,
  type SignedIn,
  sessionTokenFrom,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { EVIL_ORIGIN, expectCsrfRefusal } from '../helpers/csrf-checks.js';
import { enrolTotp, freshTotpCode, injectSend } from '../helpers/mfa-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Cross-site request forgery against cookie sessions: every unsafe request authenticated by the
 * session cookie needs that session's X-CSRF-Token, and anything a browser marks as cross-site
 * is refused outright, sign-in included.
 */

const app = useTestApp();

/** The unsafe action used throughout: sign out, which ends the session when it goes through. */
const logout = (session: SignedIn, headers: Record<string, string> = {}) =>
  app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: session.cookie, ...headers } });

/** A refused forgery must have done nothing: the session is still alive. */
async function expectStillSignedIn(session: SignedIn): Promise<void> {
  expect((await me(app, session.token)).statusCode).toBe(200);
}

describe('unsafe requests authenticated by the session cookie', () => {
  let victim: SignedIn;
  beforeAll(async () => {
    victim = await newSignedInUser(app, 'victim');
  });

  it('refuses an unsafe request without X-CSRF-Token with 403', async () => {
    expectCsrfRefusal(await logout(victim));
    await expectStillSignedIn(victim);
  });

  it.each([
    ['empty', () => ''],
    ['garbage', () => 'not-a-token'],
    ['one character off', () => `${victim.csrf.slice(0, -1)}${victim.csrf.endsWith('A') ? 'B' : 'A'}`],
    ['with a character added', () => `${victim.csrf}A`],
  ])('refuses a wrong X-CSRF-Token (%s) with 403', async (_name, forge) => {
    expectCsrfRefusal(await logout(victim, { 'x-csrf-token': forge() }));
    await expectStillSignedIn(victim);
  });

  it("refuses another user's session token with 403", async () => {
    const attacker = await newSignedInUser(app, 'attacker');
    expect(attacker.csrf).not.toBe(victim.csrf);
    expectCsrfRefusal(await logout(victim, { 'x-csrf-token': attacker.csrf }));
    await expectStillSignedIn(victim);
  });

  it("refuses the token of the same user's other session with 403 (tokens are bound to one session)", async () => {
    const otherDevice = await signIn(app, victim.user.email);
    expect(otherDevice.csrf).not.toBe(victim.csrf);
    expectCsrfRefusal(await logout(victim, { 'x-csrf-token': otherDevice.csrf }));
    await expectStillSignedIn(victim);
  });

  it.each([
    ['a cross-site Origin', { origin: EVIL_ORIGIN }],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
    ['a sibling-subdomain Origin', { origin: 'http://evil.localhost:80' }],
    ['the own origin on another scheme', { origin: 'https://localhost:80' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['a cross-site Origin with Sec-Fetch-Site: same-origin', { origin: EVIL_ORIGIN, 'sec-fetch-site': 'same-origin' }],
  ])('refuses %s with 403 even with the right token', async (_name, headers) => {
    expectCsrfRefusal(await logout(victim, { 'x-csrf-token': victim.csrf, ...headers }));
    await expectStillSignedIn(victim);
  });

  it('refuses a forged DELETE /api/auth/sessions/:id and leaves the session alive', async () => {
    const other = await signIn(app, victim.user.email);
    const list = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: other.cookie } });
    const otherId = list.json().items.find((s: { current: boolean }) => s.current).id as string;
    const forged = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${otherId}`,
      headers: { cookie: victim.cookie, origin: EVIL_ORIGIN },
    });
    expectCsrfRefusal(forged);
    await expectStillSignedIn(other);
  });

  it('accepts the right token from the own origin (DELETE of a session, then logout)', async () => {
    const other = await signIn(app, victim.user.email);
    const list = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: other.cookie } });
    const otherId = list.json().items.find((s: { current: boolean }) => s.current).id as string;
    const revoked = await app.http.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${otherId}`,
      headers: {
        cookie: victim.cookie,
        'x-csrf-token': victim.csrf,
        origin: OWN_ORIGIN,
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(revoked.statusCode).toBe(204);
    expect((await me(app, other.token)).statusCode).toBe(401);

    const signedOut = await logout(victim, { 'x-csrf-token': victim.csrf, origin: OWN_ORIGIN });
    expect(signedOut.statusCode).toBe(204);
    expect((await me(app, victim.token)).statusCode).toBe(401);
  });

  it('accepts the right token with no Origin or Sec-Fetch-Site at all (older clients)', async () => {
    const session = await signIn(app, victim.user.email);
    expect((await logout(session, { 'x-csrf-token': session.csrf })).statusCode).toBe(204);
  });
});

describe('a CSRF token ends with the session id it was issued for', () => {
  /** The session id (cookie) a response rotated to; fails the test when it did not rotate. */
  function rotatedTo(response: LightMyRequestResponse, before: SignedIn): string {
    expect(response.statusCode, response.body).toBe(200);
    const token = sessionTokenFrom(response);
    expect(token, 'the session id rotates').toBeTruthy();
    expect(token).not.toBe(before.token);
    return token as string;
  }

  const post = (session: SignedIn, url: string, payload: object) =>
    app.http.inject({
      method: 'POST',
      url,
      payload,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, origin: OWN_ORIGIN },
    });

  /** A user with a TOTP factor: its email, secret, the codes spent so far, and recovery codes. */
  async function userWithTotp(label: string) {
    const email = uniqueEmail(label);
    await register(app, email);
    const session = await signIn(app, email);
    const enrolled = await enrolTotp(injectSend(app), { cookie: session.cookie, 'x-csrf-token': session.csrf });
    return { email, secret: enrolled.secret, used: new Set([enrolled.confirmCode]), recovery: enrolled.recoveryCodes };
  }

  const sessionFor = async (user: SignedIn['user'], token: string): Promise<SignedIn> => ({
    user,
    token,
    cookie: cookieFor(token),
    csrf: await csrfTokenFor(app, token),
  });

  it.each<[string, () => Promise<{ before: SignedIn; after: string }>]>([
    [
      'step-up with the password',
      async () => {
        const before = await newSignedInUser(app, 'step-up');
        return { before, after: rotatedTo(await post(before, '/api/auth/reauth', { password: PASSWORD }), before) };
      },
    ],
    [
      'step-up with a second factor',
      async () => {
        const { email, recovery } = await userWithTotp('step-up-code');
        const pending = await signIn(app, email);
        const full = rotatedTo(await post(pending, '/api/auth/mfa/verify', { code: recovery[0] }), pending);
        const before = await sessionFor(pending.user, full);
        return { before, after: rotatedTo(await post(before, '/api/auth/reauth', { code: recovery[1] }), before) };
      },
    ],
    [
      'enrolling a second factor',
      async () => {
        const before = await newSignedInUser(app, 'enrol');
        const headers = { cookie: before.cookie, 'x-csrf-token': before.csrf, origin: OWN_ORIGIN };
        const setup = await app.http.inject({ method: 'POST', url: '/api/auth/mfa/totp/setup', headers });
        const code = freshTotpCode(setup.json().secret, new Set());
        return { before, after: rotatedTo(await post(before, '/api/auth/mfa/totp/confirm', { code }), before) };
      },
    ],
    [
      'completing the second factor at sign-in',
      async () => {
        const { email, secret, used } = await userWithTotp('second-step');
        const before = await signIn(app, email);
        const code = freshTotpCode(secret, used);
        return { before, after: rotatedTo(await post(before, '/api/auth/mfa/verify', { code }), before) };
      },
    ],
    [
      'signing in again over the session',
      async () => {
        const before = await newSignedInUser(app, 'again');
        return {
          before,
          after: rotatedTo(
            await post(before, '/api/auth/login', { email: before.user.email, password: PASSWORD }),
            before,
          ),
        };
      },
    ],
  ])('refuses a token taken before %s (403) and accepts a fresh one', async (_name, rotate) => {
    const { before, after } = await rotate();
    const stale = await app.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: cookieFor(after), 'x-csrf-token': before.csrf, origin: OWN_ORIGIN },
    });
    expectCsrfRefusal(stale);
    expect((await me(app, after)).statusCode).toBe(200);

    const fresh = await csrfTokenFor(app, after);
    expect(fresh).not.toBe(before.csrf);
    const signedOut = await app.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: cookieFor(after), 'x-csrf-token': fresh, origin: OWN_ORIGIN },
    });
    expect(signedOut.statusCode).toBe(204);
    expect((await me(app, after)).statusCode).toBe(401);
  });
});
