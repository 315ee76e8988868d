import { randomBytes } from 'node:crypto';
import { type CBORType, decodeCBOR, encodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFor,
  csrfTokenFor,
  issueTokens,
  login,
  OWN_ORIGIN,
  PASSWORD,
  register,
  sessionTokenFrom,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { bearer } from '../helpers/collections-client.js';
import { enrolTotp, type Send } from '../helpers/mfa-client.js';
import { createSoftAuthenticator, type SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Passkeys (WebAuthn) against a software authenticator: registration as a first factor,
 * passwordless sign-in (cookie and bearer), the second step of a password sign-in, step-up,
 * listing and removal; and the attacks a relying party must refuse: other origins and RP IDs,
 * replayed assertions, challenges issued to another session, purpose or user, another user's
 * passkey, a counter that goes backwards, no user verification for passwordless sign-in,
 * tampered signatures, a credential registered twice, and malformed bodies.
 *
 * light-my-request's Host is `localhost:80`, so the relying party is `localhost` and the
 * origin `http://localhost:80` (OWN_ORIGIN).
 */

type Headers = Record<string, string>;

interface User {
  id: string;
  email: string;
  /** Authorization header of a full bearer sign-in. */
  headers: Headers;
}

interface PasskeyView {
  id: string;
  name: string;
  created: string;
  lastUsed: string | null;
  backedUp: boolean;
}

const EVIL_ORIGIN = 'https://evil.example';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

function call(method: string, url: string, headers: Headers = {}, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: method as 'POST',
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const send: Send = async (method, path, headers, payload) => {
  const r = await call(method, path, headers, payload);
  return { status: r.statusCode, body: r.body ? r.json() : {}, text: r.body };
};

function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json().code, response.body).toBe(code);
}

function expectPasskeyFailed(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_PASSKEY_FAILED');
  expect(response.json().type).toContain('passkey-failed');
  expect(sessionTokenFrom(response)).toBeUndefined();
}

/** A fresh account with a full bearer sign-in. */
async function bearerUser(label: string): Promise<User> {
  const email = uniqueEmail(label);
  const { id } = await register(app, email);
  const { accessToken } = await issueTokens(app, email);
  return { id, email, headers: bearer(accessToken) };
}

async function registrationOptions(headers: Headers): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const response = await call('POST', '/api/auth/webauthn/register/options', headers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

function registerVerify(headers: Headers, response: RegistrationResponseJSON, name?: string) {
  return call('POST', '/api/auth/webauthn/register/verify', headers, { response, ...(name ? { name } : {}) });
}

/** Registers a passkey for a signed-in user; returns the authenticator holding it and the server's answer. */
async function addPasskey(
  headers: Headers,
  authenticator: SoftAuthenticator = createSoftAuthenticator(),
  name?: string,
) {
  const options = await registrationOptions(headers);
  const registration = authenticator.register(options, OWN_ORIGIN);
  const verified = await registerVerify(headers, registration, name);
  expect(verified.statusCode, verified.body).toBe(200);
  return {
    authenticator,
    registration,
    options,
    body: verified.json() as { passkey: PasskeyView; recoveryCodes?: string[] },
  };
}

async function loginOptions(headers: Headers = {}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const response = await call('POST', '/api/auth/webauthn/login/options', headers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

function loginVerify(response: AuthenticationResponseJSON, headers: Headers = {}, mode?: 'cookie' | 'bearer') {
  return call('POST', '/api/auth/webauthn/login/verify', headers, { response, ...(mode ? { mode } : {}) });
}

/** A password sign-in through /api/auth/token that owes its second step; its restricted bearer header. */
async function pendingBearer(email: string): Promise<Headers> {
  const response = await call('POST', '/api/auth/token', {}, { email, password: PASSWORD });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().mfaRequired, response.body).toBe(true);
  expect(response.json().refreshToken).toBeUndefined();
  return bearer(response.json().accessToken);
}

/** Makes every sign-in of `userId` old: neither password nor factor is recent any more. */
async function ageSessions(userId: string): Promise<void> {
  const old = Date.now() - 60 * 60_000;
  await app.database.db
    .updateTable('sessions')
    .set({ reauth_ms: old, factor_ms: old })
    .where('user_id', '=', userId)
    .execute();
}

/** A user with one passkey (registered while signed in with a password, as bearer). */
async function userWithPasskey(label: string, authenticator?: SoftAuthenticator) {
  const user = await bearerUser(label);
  const added = await addPasskey(user.headers, authenticator);
  return { ...user, ...added };
}

const auditOf = async (type: string, actor?: string | null) =>
  (await app.audit.listRecent(2000, type)).filter((e) => actor === undefined || e.actor === actor);

const flipByte = (base64url: string, index: number, mask = 0x01) => {
  const bytes = Buffer.from(base64url, 'base64url');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ mask;
  return bytes.toString('base64url');
};

/**
 * The same registration with another credential id: attestation "none" signs nothing, so the
 * id in authData can be swapped (an authenticator may use ids of up to 1023 bytes).
 */
function withCredentialId(registration: RegistrationResponseJSON, id: Buffer): RegistrationResponseJSON {
  const attestation = decodeCBOR(
    new Uint8Array(Buffer.from(registration.response.attestationObject, 'base64url')),
  ) as Map<string, CBORType>;
  const authData = Buffer.from(attestation.get('authData') as Uint8Array);
  const oldLength = authData.readUInt16BE(53);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(id.length);
  const swapped = Buffer.concat([authData.subarray(0, 53), length, id, authData.subarray(55 + oldLength)]);
  attestation.set('authData', new Uint8Array(swapped));
  const encoded = id.toString('base64url');
  return {
    ...registration,
    id: encoded,
    rawId: encoded,
    response: {
      ...registration.response,
      attestationObject: Buffer.from(encodeCBOR(attestation)).toString('base64url'),
      authenticatorData: swapped.toString('base64url'),
    },
  };
}

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
    // Known failure on PostgreSQL: verifyRegistration (src/features/auth/mfa/webauthn-service.ts)
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

describe('passkeys: passwordless sign-in', () => {
  it('signs in with a browser session: full, proven factor, audited with method passkey', async () => {
    const owner = await userWithPasskey('pwless-cookie');
    const options = await loginOptions();
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials ?? []).toEqual([]);

    const response = await loginVerify(owner.authenticator.authenticate(options, OWN_ORIGIN));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: owner.id, email: owner.email }, mfaRequired: false });
    const token = sessionTokenFrom(response);
    expect(token).toBeTruthy();
    const cookie = cookieFor(token as string);
    expect((await call('GET', '/api/auth/me', { cookie })).json().user.id).toBe(owner.id);
    expect((await call('GET', '/api/auth/sessions', { cookie })).statusCode).toBe(200);

    const session = await app.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', owner.id)
      .where('kind', '=', 'cookie')
      .executeTakeFirstOrThrow();
    expect(session.stage).toBe('full');
    expect(session.factor_ms).not.toBeNull();

    const success = await auditOf('auth.login.success', owner.id);
    expect(success[0]?.details).toMatchObject({ method: 'passkey', via: 'cookie', stage: 'full' });

    const list = (await call('GET', '/api/auth/webauthn/credentials', owner.headers)).json().items as PasskeyView[];
    expect(list[0]?.lastUsed).not.toBeNull();
  });

  it('signs in with bearer tokens (mode bearer), refreshable and full', async () => {
    const owner = await userWithPasskey('pwless-bearer');
    const response = await loginVerify(
      owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN),
      {},
      'bearer',
    );
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', mfaRequired: false });
    expect(body.accessToken).toBeTruthy();
    expect(body.refreshToken).toBeTruthy();
    expect(sessionTokenFrom(response)).toBeUndefined();
    const headers = bearer(body.accessToken);
    expect((await call('GET', '/api/auth/me', headers)).json().user.id).toBe(owner.id);
    expect((await call('GET', '/api/auth/sessions', headers)).statusCode).toBe(200);
    const success = await auditOf('auth.login.success', owner.id);
    expect(success[0]?.details).toMatchObject({ method: 'passkey', via: 'bearer', stage: 'full' });
  });

  it('refuses an assertion for another origin, another RP ID, or with a tampered signature', async () => {
    const owner = await userWithPasskey('pwless-attacks');
    const before = (await auditOf('auth.webauthn.failure')).length;

    expectPasskeyFailed(await loginVerify(owner.authenticator.authenticate(await loginOptions(), EVIL_ORIGIN)));
    expectPasskeyFailed(
      await loginVerify(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN, { rpId: 'evil.example' })),
    );
    // A look-alike: same host, other scheme / port.
    expectPasskeyFailed(await loginVerify(owner.authenticator.authenticate(await loginOptions(), 'https://localhost')));
    expectPasskeyFailed(
      await loginVerify(owner.authenticator.authenticate(await loginOptions(), 'http://localhost:8080')),
    );

    const signed = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN);
    const tampered = {
      ...signed,
      response: { ...signed.response, signature: flipByte(signed.response.signature, -1) },
    };
    expectPasskeyFailed(await loginVerify(tampered));

    // The client data changed after signing (another challenge pasted in).
    const fresh = await loginOptions();
    const resigned = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN);
    const clientData = JSON.parse(Buffer.from(resigned.response.clientDataJSON, 'base64url').toString('utf8'));
    const swapped = {
      ...resigned,
      response: {
        ...resigned.response,
        clientDataJSON: Buffer.from(JSON.stringify({ ...clientData, challenge: fresh.challenge })).toString(
          'base64url',
        ),
      },
    };
    expectPasskeyFailed(await loginVerify(swapped));

    // The genuine passkey still works afterwards.
    const ok = await loginVerify(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN));
    expect(ok.statusCode, ok.body).toBe(200);

    const failures = await auditOf('auth.webauthn.failure');
    expect(failures.length - before).toBeGreaterThanOrEqual(6);
    expect(failures[0]?.details).toMatchObject({ purpose: 'login' });
  });

  it('refuses a replayed assertion', async () => {
    const owner = await userWithPasskey('replay');
    const assertion = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN);
    const first = await loginVerify(assertion, {}, 'bearer');
    expect(first.statusCode, first.body).toBe(200);
    expectPasskeyFailed(await loginVerify(assertion, {}, 'bearer'));
    expectPasskeyFailed(await loginVerify(assertion));
  });

  it('refuses an assertion whose counter does not move forward (a cloned authenticator)', async () => {
    const owner = await userWithPasskey('counter');
    for (let i = 0; i < 3; i++) {
      const ok = await loginVerify(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN), {}, 'bearer');
      expect(ok.statusCode, ok.body).toBe(200);
    }
    expect(owner.authenticator.signCount).toBe(3);
    for (const counter of [1, 3, 0]) {
      const clone = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN, { counter });
      expectPasskeyFailed(await loginVerify(clone, {}, 'bearer'));
    }
    const row = await app.database.db
      .selectFrom('webauthn_credentials')
      .select('counter')
      .where('id', '=', owner.authenticator.credentialId as string)
      .executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(3);
    const ahead = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN, { counter: 10 });
    expect((await loginVerify(ahead, {}, 'bearer')).statusCode).toBe(200);
  });

  it('needs user verification to sign in with a passkey alone, but not for the second step', async () => {
    const noUv = createSoftAuthenticator({ userVerification: false });
    const owner = await userWithPasskey('no-uv', noUv);
    expectPasskeyFailed(await loginVerify(noUv.authenticate(await loginOptions(), OWN_ORIGIN)));
    expectPasskeyFailed(await loginVerify(noUv.authenticate(await loginOptions(), OWN_ORIGIN), {}, 'bearer'));

    // Setting the UV flag after the fact breaks the signature.
    const signed = noUv.authenticate(await loginOptions(), OWN_ORIGIN);
    const flagged = {
      ...signed,
      response: { ...signed.response, authenticatorData: flipByte(signed.response.authenticatorData, 32, 0x04) },
    };
    expectPasskeyFailed(await loginVerify(flagged));

    // As the second step after the password, presence is enough.
    const pending = await pendingBearer(owner.email);
    const second = await loginVerify(noUv.authenticate(await loginOptions(pending), OWN_ORIGIN), pending);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().refreshToken).toBeTruthy();
  });

  it('refuses a removed passkey, and a passkey of a disabled account', async () => {
    const owner = await userWithPasskey('removed');
    const other = await userWithPasskey('disabled');

    const remove = await call(
      'DELETE',
      `/api/auth/webauthn/credentials/${encodeURIComponent(owner.authenticator.credentialId as string)}`,
      owner.headers,
    );
    expect(remove.statusCode, remove.body).toBe(204);
    expectPasskeyFailed(await loginVerify(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN)));

    await app.database.db.updateTable('users').set({ disabled: 1 }).where('id', '=', other.id).execute();
    expectPasskeyFailed(await loginVerify(other.authenticator.authenticate(await loginOptions(), OWN_ORIGIN)));
  });
});

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
    // Known failure: POST /api/auth/reauth (src/features/auth/routes/session-routes.ts) sets
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

describe('passkeys: long credential ids', () => {
  it('signs in with and removes a passkey whose credential id is over 100 characters', async () => {
    // WebAuthn credential ids may be up to 1023 bytes; the routes accept ids of up to 1024
    // characters (PasskeyResponse.id, the :id param of DELETE /api/auth/webauthn/credentials).
    // Known failure: Fastify's default maxParamLength (100) is not raised in
    // src/http/create-server.ts, so the DELETE answers 414 before the route's schema is reached.
    const user = await bearerUser('long-id');
    const authenticator = createSoftAuthenticator();
    const longId = randomBytes(96); // 128 base64url characters
    const id = longId.toString('base64url');
    const registration = withCredentialId(
      authenticator.register(await registrationOptions(user.headers), OWN_ORIGIN),
      longId,
    );
    const registered = await registerVerify(user.headers, registration);
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json().passkey.id).toBe(id);

    const assertion = authenticator.authenticate(await loginOptions(), OWN_ORIGIN);
    const signedIn = await loginVerify({ ...assertion, id, rawId: id }, {}, 'bearer');
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const headers = bearer(signedIn.json().accessToken);

    const removed = await call('DELETE', `/api/auth/webauthn/credentials/${id}`, headers);
    expect(
      removed.statusCode,
      `a registered passkey with a long credential id cannot be removed: ${removed.body}`,
    ).toBe(204);
  });
});

describe('passkeys: malformed and oversized bodies', () => {
  const valid = () => ({
    id: 'AAAA',
    rawId: 'AAAA',
    type: 'public-key',
    response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
    clientExtensionResults: {},
  });

  it('answers 400 to bodies outside the schema, on every passkey route', async () => {
    const user = await bearerUser('malformed');
    const manyKeys = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'x']));
    const bad: unknown[] = [
      {},
      { response: 'x' },
      { response: null },
      { response: [] },
      { response: { ...valid(), id: 'a'.repeat(2000) } },
      { response: { ...valid(), rawId: '' } },
      { response: { ...valid(), type: 'password' } },
      { response: { ...valid(), response: 'x' } },
      { response: { ...valid(), response: manyKeys } },
      { response: { ...valid(), extra: 1 } },
      { response: valid(), extra: 1 },
      { response: valid(), mode: 'session' },
    ];
    for (const payload of bad) {
      const r = await call('POST', '/api/auth/webauthn/login/verify', {}, payload);
      expect(r.statusCode, `${JSON.stringify(payload).slice(0, 200)} → ${r.body}`).toBe(400);
    }
    for (const payload of [
      ...bad.slice(0, 10),
      { response: valid(), name: '' },
      { response: valid(), name: 'n'.repeat(65) },
    ]) {
      const r = await call('POST', '/api/auth/webauthn/register/verify', user.headers, payload);
      expect(r.statusCode, `${JSON.stringify(payload).slice(0, 200)} → ${r.body}`).toBe(400);
    }
    for (const webauthn of ['x', null, { ...valid(), type: 'nope' }]) {
      const r = await call('POST', '/api/auth/reauth', user.headers, { webauthn });
      expect(r.statusCode, r.body).toBe(400);
    }
    const longId = await call('DELETE', `/api/auth/webauthn/credentials/${'a'.repeat(1100)}`, user.headers);
    expect([400, 414], longId.body).toContain(longId.statusCode);

    const notJson = await app.http.inject({
      method: 'POST',
      url: '/api/auth/webauthn/login/verify',
      headers: { 'content-type': 'application/json' },
      payload: '{"response": ',
    });
    expect(notJson.statusCode, notJson.body).toBe(400);
  });

  it('refuses an oversized body without a 500', async () => {
    const huge = { response: { ...valid(), response: { clientDataJSON: 'A'.repeat(5 * 1024 * 1024) } } };
    const r = await call('POST', '/api/auth/webauthn/login/verify', {}, huge);
    expect([400, 413], r.body.slice(0, 300)).toContain(r.statusCode);
  });

  it('answers 401 (never 500) to well-formed bodies with garbage inside', async () => {
    const owner = await userWithPasskey('garbage');
    const genuine = owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN);
    const challengeOf = (r: AuthenticationResponseJSON) => r.response.clientDataJSON;
    const garbage: unknown[] = [
      valid(),
      { ...valid(), response: { clientDataJSON: 42, authenticatorData: {}, signature: [] } },
      { ...valid(), response: { clientDataJSON: Buffer.from('not json').toString('base64url') } },
      { ...valid(), response: { clientDataJSON: Buffer.from('{"challenge":{"a":1}}').toString('base64url') } },
      {
        ...valid(),
        response: { clientDataJSON: Buffer.from(`{"challenge":"${'a'.repeat(500)}"}`).toString('base64url') },
      },
      // A genuine challenge, but the rest missing or broken (each spends a fresh challenge).
      ...(await Promise.all(
        [
          (r: AuthenticationResponseJSON) => ({ ...r, response: { clientDataJSON: challengeOf(r) } }),
          (r: AuthenticationResponseJSON) => ({ ...r, response: { ...r.response, authenticatorData: 'AA' } }),
          (r: AuthenticationResponseJSON) => ({ ...r, response: { ...r.response, signature: '' } }),
          (r: AuthenticationResponseJSON) => ({ ...r, id: 'AAAA', rawId: 'AAAA' }),
          (r: AuthenticationResponseJSON) => ({ ...r, rawId: 'AAAA' }),
        ].map(async (mangle) => mangle(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN))),
      )),
    ];
    for (const response of garbage) {
      const r = await call('POST', '/api/auth/webauthn/login/verify', {}, { response });
      expect(r.statusCode, `${JSON.stringify(response).slice(0, 200)} → ${r.body}`).toBe(401);
      expect(r.json().code).toBe('AUTH_PASSKEY_FAILED');
    }
    for (const response of garbage.slice(0, 5)) {
      const r = await call('POST', '/api/auth/webauthn/register/verify', owner.headers, { response });
      expect(r.statusCode, r.body).toBe(401);
      const s = await call('POST', '/api/auth/reauth', owner.headers, { webauthn: response });
      expect(s.statusCode, s.body).toBe(401);
    }
    // Registration responses with broken attestation under a genuine challenge.
    for (const mangle of [
      (r: RegistrationResponseJSON) => ({ ...r, response: { ...r.response, attestationObject: 'AAAA' } }),
      (r: RegistrationResponseJSON) => ({ ...r, response: { clientDataJSON: r.response.clientDataJSON } }),
      (r: RegistrationResponseJSON) => ({
        ...r,
        response: { ...r.response, attestationObject: flipByte(r.response.attestationObject, 40) },
      }),
    ]) {
      const registration = createSoftAuthenticator().register(await registrationOptions(owner.headers), OWN_ORIGIN);
      const r = await registerVerify(owner.headers, mangle(registration) as RegistrationResponseJSON);
      expect(r.statusCode, r.body).toBe(401);
    }
    // The genuine assertion made at the start is still good: nothing above spent its challenge.
    expect((await loginVerify(genuine)).statusCode).toBe(200);
  });

  it('does not need a CSRF token on the sign-in routes, but does on step-up with a cookie', async () => {
    const owner = await userWithPasskey('csrf');
    const signedIn = await loginVerify(owner.authenticator.authenticate(await loginOptions(), OWN_ORIGIN));
    expect(signedIn.statusCode).toBe(200);
    const token = sessionTokenFrom(signedIn) as string;
    const cookie = cookieFor(token);
    const options = await loginOptions({ cookie });
    const assertion = owner.authenticator.authenticate(options, OWN_ORIGIN);
    const withoutCsrf = await call('POST', '/api/auth/reauth', { cookie }, { webauthn: assertion });
    expect(withoutCsrf.statusCode, withoutCsrf.body).toBe(403);
    const csrf = await csrfTokenFor(app, token);
    const fresh = owner.authenticator.authenticate(await loginOptions({ cookie }), OWN_ORIGIN);
    const withCsrf = await call('POST', '/api/auth/reauth', { cookie, 'x-csrf-token': csrf }, { webauthn: fresh });
    expect(withCsrf.statusCode, withCsrf.body).toBe(200);
  });
});
