import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { OWN_ORIGIN, PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { enrolTotp } from '../helpers/mfa-client.js';
import { EVIL_ORIGIN, expectPasskeyFailed, usePasskeyApp } from '../helpers/passkey-client.js';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * Step-up with a passkey, listing and removal: a replayed, foreign or wrong-purpose assertion steps
 * nobody up, one without user verification does not stand for the password, and the last factor of
 * an administrator stays.
 */

let app: TestApp;
const { call, send, bearerUser, addPasskey, loginOptions, loginVerify, ageSessions, userWithPasskey, auditOf } =
  usePasskeyApp((created) => {
    app = created;
  });

describe('passkeys: step-up, listing and removal', () => {
  it('steps up with a passkey (password and factor in one) to remove a factor', async () => {
    const owner = await userWithPasskey('stepup');
    const { secret } = await enrolTotp(send, owner.headers);
    expect(secret).toBeTruthy();
    await ageSessions(owner.id);

    expectProblem(await call('DELETE', '/api/auth/mfa/totp', owner.headers), 403, 'AUTH_STEP_UP_REQUIRED');

    const options = await loginOptions(owner.headers);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([owner.authenticator.credentialId]);
    const reauth = await call('POST', '/api/auth/reauth', owner.headers, {
      webauthn: owner.authenticator.authenticate(options, OWN_ORIGIN),
    });
    expect(reauth.statusCode, reauth.body).toBe(200);
    expect(reauth.json().reauthenticatedUntil).toBeTruthy();
    const success = await auditOf('auth.reauth.success', owner.id);
    expect(success[0]?.details).toMatchObject({ password: true, factor: true });

    const removed = await call('DELETE', '/api/auth/mfa/totp', owner.headers);
    expect(removed.statusCode, removed.body).toBe(204);
    // The passkey remains: still two steps.
    expect(
      (await call('POST', '/api/auth/token', {}, { email: owner.email, password: PASSWORD })).json(),
    ).toMatchObject({ mfaRequired: true });
  });

  it('refuses a step-up with a replayed, foreign or wrong-purpose assertion', async () => {
    const alice = await userWithPasskey('stepup-alice');
    const bob = await userWithPasskey('stepup-bob');
    await ageSessions(alice.id);
    const reauth = (webauthn: AuthenticationResponseJSON, headers = alice.headers) =>
      call('POST', '/api/auth/reauth', headers, { webauthn });

    // Bob's passkey over Alice's step-up challenge.
    expectPasskeyFailed(await reauth(bob.authenticator.authenticate(await loginOptions(alice.headers), OWN_ORIGIN)));
    // Alice's passkey over an anonymous sign-in challenge.
    expectPasskeyFailed(await reauth(alice.authenticator.authenticate(await loginOptions(), OWN_ORIGIN)));
    // Alice's step-up challenge used to sign in anonymously.
    expectPasskeyFailed(
      await loginVerify(alice.authenticator.authenticate(await loginOptions(alice.headers), OWN_ORIGIN)),
    );
    // Another origin.
    expectPasskeyFailed(await reauth(alice.authenticator.authenticate(await loginOptions(alice.headers), EVIL_ORIGIN)));
    // Bob's step-up challenge answered by Bob, posted in Alice's session.
    expectPasskeyFailed(await reauth(bob.authenticator.authenticate(await loginOptions(bob.headers), OWN_ORIGIN)));

    // A replay: good once, refused the second time.
    const assertion = alice.authenticator.authenticate(await loginOptions(alice.headers), OWN_ORIGIN);
    expect((await reauth(assertion)).statusCode).toBe(200);
    expectPasskeyFailed(await reauth(assertion));

    // None of the refused attempts opened the window before the good one.
    const failures = await auditOf('auth.webauthn.failure', alice.id);
    expect(failures.some((e) => e.details.purpose === 'reauth')).toBe(true);
  });

  it('a step-up with a passkey that did not verify the person does not stand for the password', async () => {
    // A security key without PIN or biometric proves possession only; it is no substitute for
    // the password (requireFullRecentAuth wants both for removing a factor, ASVS V7.5.1).
    // Known failure: POST /api/auth/reauth (src/features/sessions/routes/session-routes.ts) sets
    // password and factor for every verified passkey, while the reauth assertion only prefers
    // user verification (webauthn-service.ts: requireUserVerification only for 'login').
    const noUv = createSoftAuthenticator({ userVerification: false });
    const owner = await userWithPasskey('stepup-no-uv', noUv);
    await ageSessions(owner.id);
    const reauth = await call('POST', '/api/auth/reauth', owner.headers, {
      webauthn: noUv.authenticate(await loginOptions(owner.headers), OWN_ORIGIN),
    });
    expect(reauth.statusCode, reauth.body).toBe(200);
    const success = await auditOf('auth.reauth.success', owner.id);
    expect.soft(success[0]?.details, 'a passkey without user verification proved the password').toMatchObject({
      factor: true,
      password: false,
    });
    const remove = await call(
      'DELETE',
      `/api/auth/webauthn/credentials/${encodeURIComponent(noUv.credentialId as string)}`,
      owner.headers,
    );
    expect(remove.statusCode, 'removed a factor without the password').toBe(403);
  });

  it('lists and removes passkeys; the last one of a non-admin makes sign-in one step again', async () => {
    const owner = await userWithPasskey('remove');
    const stranger = await bearerUser('stranger');
    const id = owner.authenticator.credentialId as string;
    const path = `/api/auth/webauthn/credentials/${encodeURIComponent(id)}`;

    expectProblem(await call('GET', '/api/auth/webauthn/credentials'), 401, 'AUTH_REQUIRED');
    expect((await call('GET', '/api/auth/webauthn/credentials', stranger.headers)).json().items).toEqual([]);
    // Another user's passkey is "not found" to a stranger, even with a fresh sign-in.
    expectProblem(await call('DELETE', path, stranger.headers), 404, 'AUTH_NOT_FOUND');

    await ageSessions(owner.id);
    expectProblem(await call('DELETE', path, owner.headers), 403, 'AUTH_STEP_UP_REQUIRED');
    // The password alone is not enough once a factor exists.
    const password = await call('POST', '/api/auth/reauth', owner.headers, { password: PASSWORD });
    expect(password.statusCode, password.body).toBe(200);
    expectProblem(await call('DELETE', path, owner.headers), 403, 'AUTH_STEP_UP_REQUIRED');

    const stepUp = await call('POST', '/api/auth/reauth', owner.headers, {
      webauthn: owner.authenticator.authenticate(await loginOptions(owner.headers), OWN_ORIGIN),
    });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    expect((await call('DELETE', path, owner.headers)).statusCode).toBe(204);
    expectProblem(await call('DELETE', path, owner.headers), 404, 'AUTH_NOT_FOUND');
    expect((await call('GET', '/api/auth/webauthn/credentials', owner.headers)).json().items).toEqual([]);

    const removed = await auditOf('auth.webauthn.removed', owner.id);
    expect(removed[0]?.details).toMatchObject({ credentialId: id, stillEnrolled: false });

    const token = await call('POST', '/api/auth/token', {}, { email: owner.email, password: PASSWORD });
    expect(token.json()).toMatchObject({ mfaRequired: false });
    expect(token.json().refreshToken).toBeTruthy();
    const summary = await call('GET', '/api/auth/mfa', owner.headers);
    expect(summary.statusCode, summary.body).toBe(200);
    expect(JSON.stringify(summary.json())).toMatch(/"recoveryCodesLeft":0/);
  });

  it('refuses to remove the last factor of an administrator (409)', async () => {
    const email = uniqueEmail('admin');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const enrol = await call('POST', '/api/auth/token', {}, { email, password: PASSWORD });
    expect(enrol.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    const enrolHeaders = bearer(enrol.json().accessToken);
    const { authenticator, body } = await addPasskey(enrolHeaders);
    expect(body.recoveryCodes).toHaveLength(10);

    const signedIn = await loginVerify(authenticator.authenticate(await loginOptions(), OWN_ORIGIN), {}, 'bearer');
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().mfaRequired).toBe(false);
    const headers = bearer(signedIn.json().accessToken);
    const path = `/api/auth/webauthn/credentials/${encodeURIComponent(authenticator.credentialId as string)}`;
    expectProblem(await call('DELETE', path, headers), 409, 'AUTH_LAST_FACTOR');
    expect((await call('GET', '/api/auth/webauthn/credentials', headers)).json().items).toHaveLength(1);

    // With a second passkey, the first may go.
    await addPasskey(headers);
    expect((await call('DELETE', path, headers)).statusCode).toBe(204);
  });
});
