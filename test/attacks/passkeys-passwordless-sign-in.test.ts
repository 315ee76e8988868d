import { describe, expect, it } from 'vitest';
import { cookieFor, OWN_ORIGIN, sessionTokenFrom } from '../helpers/auth-client.js';
import { bearer } from '../helpers/collections-client.js';
import {
  EVIL_ORIGIN,
  expectPasskeyFailed,
  flipByte,
  type PasskeyView,
  usePasskeyApp,
} from '../helpers/passkey-client.js';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * Passwordless sign-in with a passkey (cookie and bearer), and what it must refuse: other origins
 * and RP IDs, tampered signatures, replayed assertions, a counter that does not move forward, no
 * user verification, a removed passkey and a disabled account.
 */

let app: TestApp;
const { call, loginOptions, loginVerify, pendingBearer, userWithPasskey, auditOf } = usePasskeyApp((created) => {
  app = created;
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
