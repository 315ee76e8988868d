import { describe, expect, it } from 'vitest';
import { cookieFor, login, OWN_ORIGIN, sessionTokenFrom } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { enrolTotp } from '../helpers/mfa-client.js';
import { expectPasskeyFailed, usePasskeyApp } from '../helpers/passkey-client.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * A passkey as the second step of a password sign-in: completing it issues a new session and kills
 * the pending one; another user's passkey and challenges issued to another session or purpose are
 * refused.
 */

let app: TestApp;
const { call, send, bearerUser, loginOptions, loginVerify, pendingBearer, userWithPasskey, auditOf } = usePasskeyApp(
  (created) => {
    app = created;
  },
);

describe('passkeys: the second step of a password sign-in', () => {
  it('completes a bearer sign-in with a new session; the pending token dies', async () => {
    const owner = await userWithPasskey('second-bearer');
    const pending = await pendingBearer(owner.email);
    const pendingSession = await app.database.db
      .selectFrom('sessions')
      .select(['id', 'stage'])
      .where('user_id', '=', owner.id)
      .where('stage', '=', 'mfa')
      .executeTakeFirstOrThrow();

    const options = await loginOptions(pending);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([owner.authenticator.credentialId]);
    expect(options.userVerification).toBe('preferred');

    const done = await loginVerify(owner.authenticator.authenticate(options, OWN_ORIGIN), pending);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ mfaRequired: false, tokenType: 'Bearer' });
    expect(done.json().refreshToken).toBeTruthy();
    const full = bearer(done.json().accessToken);
    expect((await call('GET', '/api/auth/sessions', full)).statusCode).toBe(200);

    expectProblem(await call('GET', '/api/auth/me', pending), 401, 'AUTH_INVALID_TOKEN');
    const gone = await app.database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', pendingSession.id)
      .executeTakeFirst();
    expect(gone).toBeUndefined();

    const completed = await auditOf('auth.mfa.completed', owner.id);
    expect(completed[0]?.details).toMatchObject({ method: 'passkey' });
  });

  it('completes a cookie sign-in with a new cookie; the pending cookie dies', async () => {
    const owner = await userWithPasskey('second-cookie');
    const first = await login(app, owner.email);
    expect(first.json().mfaRequired).toBe(true);
    const pendingCookie = cookieFor(sessionTokenFrom(first) as string);
    const options = await loginOptions({ cookie: pendingCookie });
    const done = await loginVerify(owner.authenticator.authenticate(options, OWN_ORIGIN), { cookie: pendingCookie });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().mfaRequired).toBe(false);
    const token = sessionTokenFrom(done);
    expect(token).toBeTruthy();
    expect(cookieFor(token as string)).not.toBe(pendingCookie);
    expect((await call('GET', '/api/auth/sessions', { cookie: cookieFor(token as string) })).statusCode).toBe(200);
    expectProblem(await call('GET', '/api/auth/me', { cookie: pendingCookie }), 401, 'AUTH_REQUIRED');
  });

  it("refuses another user's passkey, and challenges issued to another session or purpose", async () => {
    const alice = await userWithPasskey('alice');
    const bob = await userWithPasskey('bob');
    const bobPending = await pendingBearer(bob.email);

    // Alice's passkey answering the challenge of Bob's pending sign-in.
    const bobOptions = await loginOptions(bobPending);
    expectPasskeyFailed(await loginVerify(alice.authenticator.authenticate(bobOptions, OWN_ORIGIN), bobPending));
    const failures = await auditOf('auth.webauthn.failure', bob.id);
    expect(failures[0]?.details).toMatchObject({ purpose: 'second-factor' });

    // Alice's passkey with a challenge of her own pending sign-in, posted in Bob's.
    const alicePending = await pendingBearer(alice.email);
    const aliceAssertion = alice.authenticator.authenticate(await loginOptions(alicePending), OWN_ORIGIN);
    expectPasskeyFailed(await loginVerify(aliceAssertion, bobPending));

    // Bob's own passkey, but signed over an anonymous (passwordless) challenge.
    const anonymous = await loginOptions();
    expectPasskeyFailed(await loginVerify(bob.authenticator.authenticate(anonymous, OWN_ORIGIN), bobPending));

    // Bob's own passkey over the challenge of his other pending sign-in.
    const bobOther = await pendingBearer(bob.email);
    const otherOptions = await loginOptions(bobOther);
    expectPasskeyFailed(await loginVerify(bob.authenticator.authenticate(otherOptions, OWN_ORIGIN), bobPending));

    // A second-step challenge is no passwordless challenge either.
    const secondStep = await loginOptions(await pendingBearer(bob.email));
    expectPasskeyFailed(await loginVerify(bob.authenticator.authenticate(secondStep, OWN_ORIGIN)));

    // Bob's pending sign-in still works with the right passkey and a fresh challenge of its own.
    expectProblem(await call('GET', '/api/auth/sessions', bobPending), 401, 'AUTH_MFA_REQUIRED');
    const done = await loginVerify(
      bob.authenticator.authenticate(await loginOptions(bobPending), OWN_ORIGIN),
      bobPending,
    );
    expect(done.statusCode, done.body).toBe(200);
  });

  it('offers no passkey challenge to a pending sign-in whose account has none', async () => {
    const user = await bearerUser('totp-only');
    await enrolTotp(send, user.headers);
    const pending = await pendingBearer(user.email);
    expectPasskeyFailed(await call('POST', '/api/auth/webauthn/login/options', pending));
  });
});
