import type { CBORType } from '@levischuck/tiny-cbor';
import { decodeCBOR, encodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect } from 'vitest';
import { issueTokens, OWN_ORIGIN, PASSWORD, register, sessionTokenFrom, uniqueEmail } from './auth-client.js';
import { bearer, expectProblem } from './collections-client.js';
import { injectSend, type Send } from './mfa-client.js';
import { createSoftAuthenticator, type SoftAuthenticator } from './soft-authenticator.js';
import { type TestApp, useTestApp } from './test-app.js';

/**
 * What the passkey attack files (test/attacks/passkeys-*.test.ts) share: a client that speaks
 * WebAuthn to one app through a software authenticator, and the tools that forge or damage what
 * an authenticator sends. light-my-request's Host is `localhost:80`, so the relying party is
 * `localhost` and the origin `http://localhost:80` (OWN_ORIGIN).
 */

export type Headers = Record<string, string>;

interface User {
  id: string;
  email: string;
  /** Authorization header of a full bearer sign-in. */
  headers: Headers;
}

export interface PasskeyView {
  id: string;
  name: string;
  created: string;
  lastUsed: string | null;
  backedUp: boolean;
}

export const EVIL_ORIGIN = 'https://evil.example';

export function expectPasskeyFailed(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_PASSKEY_FAILED');
  expect(response.json().type).toContain('passkey-failed');
  expect(sessionTokenFrom(response)).toBeUndefined();
}

export const flipByte = (base64url: string, index: number, mask = 0x01) => {
  const bytes = Buffer.from(base64url, 'base64url');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ mask;
  return bytes.toString('base64url');
};

/**
 * The same registration with another credential id: attestation "none" signs nothing, so the
 * id in authData can be swapped (an authenticator may use ids of up to 1023 bytes).
 */
export function withCredentialId(registration: RegistrationResponseJSON, id: Buffer): RegistrationResponseJSON {
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

/**
 * One app for a test file, created before its tests and closed after them, and the passkey
 * client that talks to it. `onCreated` hands the app to the file for the checks that read the
 * database.
 */
export function usePasskeyApp(onCreated: (app: TestApp) => void = () => {}) {
  const app = useTestApp();
  beforeAll(async () => {
    onCreated(app);
  });

  function call(
    method: string,
    url: string,
    headers: Headers = {},
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    return app.http.inject({
      method: method as 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
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

  const send: Send = (method, path, headers, payload) => injectSend(app)(method, path, headers, payload);

  return {
    call,
    send,
    bearerUser,
    registrationOptions,
    registerVerify,
    addPasskey,
    loginOptions,
    loginVerify,
    pendingBearer,
    ageSessions,
    userWithPasskey,
    auditOf,
  };
}
