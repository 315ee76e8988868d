import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { me, sessionTokenFrom, setCookies } from '../helpers/auth-client.js';
import { bearer, expectProblem, PASSWORD } from '../helpers/collections-client.js';
import { enrolledUser, get, NEW_PASSWORD, post, tokens } from '../helpers/inject-requests.js';
import { type MailSink, type ReceivedMail, startMailSink } from '../helpers/mail-sink.js';
import { totpCode } from '../helpers/mfa-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A password reset used to get past the second factor: it ends every session, signs nobody in,
 * and the next sign-in still asks for the factor (OWASP ASVS 5.0 V6.4.3).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

describe('V6.4.3 a password reset never bypasses the second factor', () => {
  let sink: MailSink;
  let mailApp: TestApp;
  beforeAll(async () => {
    sink = await startMailSink();
    mailApp = await createTestApp({
      logLevel: 'silent',
      env: { BULWARK_SMTP_URL: sink.url, BULWARK_PUBLIC_URL: 'https://app.example' },
    });
  });
  afterAll(async () => {
    await mailApp?.close();
    await sink?.close();
  });

  it('ends every session, signs nobody in, and the next sign-in still asks for the factor', async () => {
    const user = await enrolledUser(mailApp, 'reset-mfa');
    const full = await tokens(mailApp, user.email, PASSWORD, totpCode(user.secret, 1));
    expect(full.mfaRequired).toBe(false);
    const pendingCookie = sessionTokenFrom(
      await post(mailApp, '/api/auth/login', { email: user.email, password: PASSWORD }),
    ) as string;

    expect((await post(mailApp, '/api/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
    const mail: ReceivedMail = await sink.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject));
    // The token travels in the fragment: never sent to a server, a proxy or a log.
    const link = /https:\/\/app\.example\/_\/reset[^\s"<>]*/.exec(mail.text)?.[0] as string;
    expect(link, mail.text).toBeDefined();
    const url = new URL(link);
    expect(url.search).toBe('');
    expect(url.hash.length).toBeGreaterThan(20);
    expect(mail.text).not.toMatch(/[?&]token=/);
    expect(mail.html).not.toMatch(/[?&]token=/);
    const token = decodeURIComponent(url.hash.slice(1));

    const reset = await post(mailApp, '/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.statusCode, reset.body).toBe(204);
    expect(setCookies(reset)).toEqual([]);
    expect(reset.body).toBe('');

    expect((await get(mailApp, '/api/auth/me', bearer(full.accessToken))).statusCode).toBe(401);
    expect((await post(mailApp, '/api/auth/refresh', { refreshToken: full.refreshToken })).statusCode).toBe(401);
    expect((await me(mailApp, pendingCookie)).statusCode).toBe(401);

    const login = await post(mailApp, '/api/auth/login', { email: user.email, password: NEW_PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().mfaRequired).toBe(true);
    const pending = await tokens(mailApp, user.email, NEW_PASSWORD);
    expect(pending.mfaRequired).toBe(true);
    expect(pending.refreshToken).toBeUndefined();
    expectProblem(await get(mailApp, '/api/auth/sessions', bearer(pending.accessToken)), 401, 'AUTH_MFA_REQUIRED');
  });
});
