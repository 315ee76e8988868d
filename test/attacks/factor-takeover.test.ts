import { beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, login, PASSWORD, register, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { enrolTotp, freshTotpCode, injectSend, type Send } from '../helpers/mfa-client.js';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Someone holding a stolen, stale session and the password must not turn that into the account:
 * enrolling their own passkey or authenticator on an account that has a second factor needs the
 * password AND the existing factor, and enrolling never passes for "the factor" afterwards
 * (found in review: a passkey enrolled on a password-only step-up could then remove the TOTP and
 * change the email). Also: a browser that abandoned its second step can still sign in anew.
 */
describe('enrolling a factor on an account that has one', () => {
  let send: Send;
  const origin = 'http://localhost:80';

  const app = useTestApp();
  beforeAll(async () => {
    send = injectSend(app);
  });

  /** A TOTP user and one of their bearer sign-ins, aged past the step-up window (stolen earlier). */
  const victimWithStaleToken = async () => {
    const email = uniqueEmail('victim');
    await register(app, email);
    const first = await send('POST', '/api/auth/token', {}, { email, password: PASSWORD });
    const { secret, confirmCode, recoveryCodes } = await enrolTotp(send, bearer(first.body.accessToken as string));
    // A recovery code for the sign-in keeps the next TOTP step free for the test.
    const code = recoveryCodes[0] as string;
    const signedIn = await send('POST', '/api/auth/token', {}, { email, password: PASSWORD, code });
    expect(signedIn.status, signedIn.text).toBe(200);
    const headers = bearer(signedIn.body.accessToken as string);
    const hourAgo = Date.now() - 60 * 60_000;
    const user = await app.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: hourAgo, factor_ms: hourAgo })
      .where('user_id', '=', user.id)
      .execute();
    return { email, headers, secret, recoveryCodes, usedCodes: new Set([confirmCode]) };
  };

  it('a password-only step-up does not let a stolen session register its own passkey, set up TOTP or pass for the factor', async () => {
    const victim = await victimWithStaleToken();
    expect((await send('POST', '/api/auth/reauth', victim.headers, { password: PASSWORD })).status).toBe(200);

    expectProblem(
      await app.http.inject({ method: 'POST', url: '/api/auth/webauthn/register/options', headers: victim.headers }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
    expectProblem(
      await app.http.inject({ method: 'POST', url: '/api/auth/mfa/totp/setup', headers: victim.headers }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
    expectProblem(
      await app.http.inject({ method: 'DELETE', url: '/api/auth/mfa/totp', headers: victim.headers }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
    expect(await app.database.db.selectFrom('webauthn_credentials').selectAll().execute()).toEqual([]);
  });

  it('the owner, with password and code, adds a passkey; that enrolment does not count as the factor later', async () => {
    const victim = await victimWithStaleToken();
    const code = freshTotpCode(victim.secret, victim.usedCodes);
    expect((await send('POST', '/api/auth/reauth', victim.headers, { password: PASSWORD, code })).status).toBe(200);
    const options = await send('POST', '/api/auth/webauthn/register/options', victim.headers);
    expect(options.status, options.text).toBe(200);
    const authenticator = createSoftAuthenticator();
    const registered = await send('POST', '/api/auth/webauthn/register/verify', victim.headers, {
      response: authenticator.register(options.body as never, origin),
    });
    expect(registered.status, registered.text).toBe(200);
    // A second factor does not replace the recovery codes.
    expect(registered.body.recoveryCodes).toBeUndefined();

    // Later, with only a fresh password, the new passkey's enrolment is not "the factor".
    const user = await app.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', victim.email)
      .executeTakeFirstOrThrow();
    const hourAgo = Date.now() - 60 * 60_000;
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: hourAgo, factor_ms: hourAgo })
      .where('user_id', '=', user.id)
      .execute();
    expect((await send('POST', '/api/auth/reauth', victim.headers, { password: PASSWORD })).status).toBe(200);
    expectProblem(
      await app.http.inject({ method: 'DELETE', url: '/api/auth/mfa/totp', headers: victim.headers }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
  });

  it('a browser that abandoned its second step can sign in again (the pending session is replaced)', async () => {
    const victim = await victimWithStaleToken();
    const pending = await login(app, victim.email, PASSWORD);
    expect(pending.json().mfaRequired).toBe(true);
    const pendingCookie = cookieFor(sessionTokenFrom(pending) as string);
    const again = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: pendingCookie },
      payload: { email: victim.email, password: PASSWORD, code: victim.recoveryCodes[1] },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().mfaRequired).toBe(false);
    const fresh = cookieFor(sessionTokenFrom(again) as string);
    expect((await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: fresh } })).statusCode).toBe(200);
    expect((await app.http.inject({ url: '/api/auth/me', headers: { cookie: pendingCookie } })).statusCode).toBe(401);
  });
});
