import { describe, expect, it } from 'vitest';
import { cookieFor, csrfTokenFor, me, sessionTokenFrom } from '../helpers/auth-client.js';
import { PASSWORD } from '../helpers/collections-client.js';
import { enrolledUser, post } from '../helpers/inject-requests.js';
import { totpCode } from '../helpers/mfa-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Session fixation across the second step and step-up: the session id changes at
 * /api/auth/mfa/verify and /api/auth/reauth, and the old ids die (OWASP ASVS 5.0 V7.2.4).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const app = useTestApp({ logLevel: 'silent' });

describe('V7.2.4 the session id changes at the second step and at step-up; old ids die', () => {
  it('cookie: /api/auth/mfa/verify and /api/auth/reauth each issue a new id', async () => {
    const user = await enrolledUser(app, 'fixation');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    expect(login.json().mfaRequired).toBe(true);
    const pending = sessionTokenFrom(login) as string;

    const verified = await post(
      app,
      '/api/auth/mfa/verify',
      { code: totpCode(user.secret, 1) },
      {
        cookie: cookieFor(pending),
        'x-csrf-token': await csrfTokenFor(app, pending),
      },
    );
    expect(verified.statusCode, verified.body).toBe(200);
    const full = sessionTokenFrom(verified) as string;
    expect(full).toBeTruthy();
    expect(full).not.toBe(pending);
    expect((await me(app, pending)).statusCode).toBe(401);
    expect((await me(app, full)).statusCode).toBe(200);

    const reauth = await post(
      app,
      '/api/auth/reauth',
      { password: PASSWORD },
      {
        cookie: cookieFor(full),
        'x-csrf-token': await csrfTokenFor(app, full),
      },
    );
    expect(reauth.statusCode, reauth.body).toBe(200);
    const stepped = sessionTokenFrom(reauth) as string;
    expect(stepped).toBeTruthy();
    expect(stepped).not.toBe(full);
    expect((await me(app, full)).statusCode).toBe(401);
    expect((await me(app, pending)).statusCode).toBe(401);
    const now = await me(app, stepped);
    expect(now.statusCode).toBe(200);
    expect(now.json().mfaRequired).toBe(false);
  });
});
