import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { OWN_ORIGIN, PASSWORD } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { EVIL_ORIGIN, expectPasskeyFailed, type PasskeyView, usePasskeyApp } from '../helpers/passkey-client.js';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.js';

/**
 * Passkey registration: a first passkey brings recovery codes and a second step at sign-in; it
 * needs a recent sign-in; a registration response, or a credential, is accepted once, also under a
 * race; another origin, RP ID or user's challenge is refused.
 */

const { call, bearerUser, registrationOptions, registerVerify, addPasskey, loginOptions, ageSessions, auditOf } =
  usePasskeyApp();

describe('passkeys: registration', () => {
  it('registers a first passkey with recovery codes; password sign-in then needs a second step', async () => {
    const user = await bearerUser('first');
    const before = await call('POST', '/api/auth/token', {}, { email: user.email, password: PASSWORD });
    expect(before.json().mfaRequired).toBe(false);

    const options = await registrationOptions(user.headers);
    expect(options.rp.id).toBe('localhost');
    expect(options.attestation).toBe('none');
    expect(options.excludeCredentials ?? []).toEqual([]);
    const authenticator = createSoftAuthenticator();
    const verified = await registerVerify(user.headers, authenticator.register(options, OWN_ORIGIN), 'Laptop');
    expect(verified.statusCode, verified.body).toBe(200);
    const body = verified.json() as { passkey: PasskeyView; recoveryCodes?: string[] };
    expect(body.passkey).toMatchObject({
      id: authenticator.credentialId,
      name: 'Laptop',
      lastUsed: null,
      backedUp: true,
    });
    expect(Number.isNaN(Date.parse(body.passkey.created))).toBe(false);
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);

    const registered = await auditOf('auth.webauthn.registered', user.id);
    expect(registered[0]?.details).toMatchObject({ credentialId: authenticator.credentialId });

    // Password alone is one step now.
    const after = await call('POST', '/api/auth/token', {}, { email: user.email, password: PASSWORD });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ mfaRequired: true });
    expect(after.json().refreshToken).toBeUndefined();
    const pending = bearer(after.json().accessToken);
    expectProblem(await call('GET', '/api/auth/sessions', pending), 401, 'AUTH_MFA_REQUIRED');

    // A second passkey is not the first factor: no new recovery codes, and the first is excluded.
    const second = await registrationOptions(user.headers);
    expect(second.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.credentialId]);
    const again = await registerVerify(user.headers, createSoftAuthenticator().register(second, OWN_ORIGIN));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().recoveryCodes).toBeUndefined();
    expect(again.json().passkey.name).toBe('Passkey');

    const list = await call('GET', '/api/auth/webauthn/credentials', user.headers);
    expect(list.statusCode).toBe(200);
    expect((list.json().items as PasskeyView[]).map((p) => p.name)).toEqual(['Laptop', 'Passkey']);
  });

  it('needs a signed-in, recent session', async () => {
    expectProblem(await call('POST', '/api/auth/webauthn/register/options'), 401, 'AUTH_REQUIRED');
    const user = await bearerUser('stale');
    await ageSessions(user.id);
    expectProblem(
      await call('POST', '/api/auth/webauthn/register/options', user.headers),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
  });

  it('refuses the same registration response twice, and the same credential under a fresh challenge', async () => {
    const user = await bearerUser('twice');
    const { registration } = await addPasskey(user.headers);

    // The very same response again: its challenge is spent.
    expectPasskeyFailed(await registerVerify(user.headers, registration));

    // The same credential (attestation "none" signs nothing) answering a fresh challenge.
    const fresh = await registrationOptions(user.headers);
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge: fresh.challenge, origin: OWN_ORIGIN, crossOrigin: false }),
    ).toString('base64url');
    const sameCredential = { ...registration, response: { ...registration.response, clientDataJSON } };
    expectPasskeyFailed(await registerVerify(user.headers, sameCredential));

    // Nor may another account claim that credential id as its own.
    const thief = await bearerUser('thief');
    const thiefOptions = await registrationOptions(thief.headers);
    const stolen = {
      ...registration,
      response: {
        ...registration.response,
        clientDataJSON: Buffer.from(
          JSON.stringify({
            type: 'webauthn.create',
            challenge: thiefOptions.challenge,
            origin: OWN_ORIGIN,
            crossOrigin: false,
          }),
        ).toString('base64url'),
      },
    };
    expectPasskeyFailed(await registerVerify(thief.headers, stolen));
    const thiefList = await call('GET', '/api/auth/webauthn/credentials', thief.headers);
    expect(thiefList.json().items).toEqual([]);
    expect((await call('GET', '/api/auth/webauthn/credentials', user.headers)).json().items).toHaveLength(1);

    const failures = await auditOf('auth.webauthn.failure', user.id);
    expect(failures.some((e) => e.details.purpose === 'register')).toBe(true);
  });

  it('refuses the same credential registered by several requests at once with 401, never 500', async () => {
    // Known failure on PostgreSQL: verifyRegistration (src/features/factors/webauthn-service.ts)
    // checks "already registered" with a SELECT, then INSERTs; concurrent requests both pass
    // the SELECT and the loser's primary-key violation surfaces as 500.
    const user = await bearerUser('race');
    for (let round = 0; round < 3; round++) {
      const authenticator = createSoftAuthenticator();
      const challenges = await Promise.all(Array.from({ length: 4 }, () => registrationOptions(user.headers)));
      const registration = authenticator.register(challenges[0] as PublicKeyCredentialCreationOptionsJSON, OWN_ORIGIN);
      const twins = challenges.map((options) => ({
        ...registration,
        response: {
          ...registration.response,
          clientDataJSON: Buffer.from(
            JSON.stringify({
              type: 'webauthn.create',
              challenge: options.challenge,
              origin: OWN_ORIGIN,
              crossOrigin: false,
            }),
          ).toString('base64url'),
        },
      }));
      const results = await Promise.all(twins.map((twin) => registerVerify(user.headers, twin)));
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([200, 401, 401, 401]);
    }
  });

  it('refuses registrations from another origin or for another RP ID, or to a challenge issued to someone else', async () => {
    const alice = await bearerUser('reg-alice');
    const bob = await bearerUser('reg-bob');

    const evil = await registrationOptions(alice.headers);
    expectPasskeyFailed(await registerVerify(alice.headers, createSoftAuthenticator().register(evil, EVIL_ORIGIN)));

    const otherRp = await registrationOptions(alice.headers);
    const foreign = createSoftAuthenticator().register({ ...otherRp, rp: { id: 'evil.example' } }, OWN_ORIGIN);
    expectPasskeyFailed(await registerVerify(alice.headers, foreign));

    // Alice's registration challenge answered by Bob's authenticator and posted in Bob's session.
    const aliceOptions = await registrationOptions(alice.headers);
    const bobsResponse = createSoftAuthenticator().register(aliceOptions, OWN_ORIGIN);
    expectPasskeyFailed(await registerVerify(bob.headers, bobsResponse));

    // A sign-in challenge is no registration challenge.
    const signInOptions = await loginOptions();
    const wrongPurpose = createSoftAuthenticator().register(
      { rp: { id: 'localhost' }, user: { id: 'x' }, challenge: signInOptions.challenge },
      OWN_ORIGIN,
    );
    expectPasskeyFailed(await registerVerify(alice.headers, wrongPurpose));

    // Bob's attempt did not burn Alice's challenge: it was never his to spend.
    const alicesOwn = createSoftAuthenticator().register(aliceOptions, OWN_ORIGIN);
    expect((await registerVerify(alice.headers, alicesOwn)).statusCode).toBe(200);
    expect((await call('GET', '/api/auth/webauthn/credentials', alice.headers)).json().items).toHaveLength(1);
    expect((await call('GET', '/api/auth/webauthn/credentials', bob.headers)).json().items).toEqual([]);
  });
});
