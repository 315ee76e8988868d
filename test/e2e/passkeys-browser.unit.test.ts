// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { browserAuthenticate, browserRegister, withVirtualAuthenticator } from '../helpers/chromium-webauthn.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Passkeys end to end with a real browser: headless Chromium with a CDP virtual authenticator
 * makes the WebAuthn responses, against the app listening on a real port. It is in e2e
 * because it launches a browser and needs a listening server (a page on
 * `http://localhost:PORT`, the origin and RP ID the browser signs), not light-my-request.
 * Named `*.unit.test.ts` so it runs once, in the SQLite project: the browser side does not
 * depend on the database dialect, which test/attacks/passkeys-*.test.ts cover on both.
 */

let origin: string;

const app = useTestApp();
beforeAll(async () => {
  const listening = new URL(await app.start());
  // WebAuthn wants a domain as RP ID: localhost, not the 127.0.0.1 the server reports.
  origin = `http://localhost:${listening.port}`;
});

/** JSON to the server from node, as a client on `origin` would send it. */
async function api(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(new URL(path, origin), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, text };
}

describe('passkeys in Chromium', () => {
  it('registers a passkey made by the browser, then signs in with it alone (bearer)', async () => {
    const email = uniqueEmail('browser');
    const signedUp = await api('/api/auth/register', { body: { email, password: PASSWORD } });
    expect(signedUp.status, signedUp.text).toBe(201);
    const tokens = await api('/api/auth/token', { body: { email, password: PASSWORD } });
    expect(tokens.status, tokens.text).toBe(200);
    const passwordToken = tokens.body.accessToken as string;

    await withVirtualAuthenticator(async (page, { cdp, authenticatorId }) => {
      const landing = await page.goto(`${origin}/api/health`);
      expect(landing?.status()).toBe(200);

      const creation = await api('/api/auth/webauthn/register/options', { method: 'POST', token: passwordToken });
      expect(creation.status, creation.text).toBe(200);
      const creationOptions = creation.body as unknown as PublicKeyCredentialCreationOptionsJSON;
      expect(creationOptions.rp.id).toBe('localhost');
      const registration = await browserRegister(page, creationOptions);
      const registered = await api('/api/auth/webauthn/register/verify', {
        token: passwordToken,
        body: { response: registration, name: 'Chromium' },
      });
      expect(registered.status, registered.text).toBe(200);
      expect(registered.body.passkey).toMatchObject({ id: registration.id, name: 'Chromium' });
      expect(registered.body.recoveryCodes).toHaveLength(10);

      // The browser kept a discoverable credential for localhost.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]?.rpId).toBe('localhost');

      // Password sign-in now owes a second step.
      const twoStep = await api('/api/auth/token', { body: { email, password: PASSWORD } });
      expect(twoStep.body.mfaRequired, twoStep.text).toBe(true);

      // Passwordless: anonymous options, the browser picks the discoverable passkey.
      const request = await api('/api/auth/webauthn/login/options', { method: 'POST' });
      expect(request.status, request.text).toBe(200);
      const requestOptions = request.body as unknown as PublicKeyCredentialRequestOptionsJSON;
      expect(requestOptions.userVerification).toBe('required');
      const assertion = await browserAuthenticate(page, requestOptions);
      expect(assertion.id).toBe(registration.id);
      const signedIn = await api('/api/auth/webauthn/login/verify', { body: { response: assertion, mode: 'bearer' } });
      expect(signedIn.status, signedIn.text).toBe(200);
      expect(signedIn.body).toMatchObject({ mfaRequired: false, tokenType: 'Bearer' });
      expect(signedIn.body.refreshToken).toBeTruthy();

      const me = await api('/api/auth/me', { token: signedIn.body.accessToken as string });
      expect(me.status, me.text).toBe(200);
      expect(me.body.user).toMatchObject({ email });
      expect((await api('/api/auth/sessions', { token: signedIn.body.accessToken as string })).status).toBe(200);

      // The same browser assertion posted again is a replay.
      const replay = await api('/api/auth/webauthn/login/verify', { body: { response: assertion, mode: 'bearer' } });
      expect(replay.status, replay.text).toBe(401);
      expect(replay.body.code).toBe('AUTH_PASSKEY_FAILED');

      // The second step of a password sign-in, with the browser answering for that sign-in only.
      const pending = twoStep.body.accessToken as string;
      const second = await api('/api/auth/webauthn/login/options', { method: 'POST', token: pending });
      expect(second.status, second.text).toBe(200);
      const secondOptions = second.body as unknown as PublicKeyCredentialRequestOptionsJSON;
      expect(secondOptions.allowCredentials?.map((c) => c.id)).toEqual([registration.id]);
      const secondAssertion = await browserAuthenticate(page, secondOptions);
      const completed = await api('/api/auth/webauthn/login/verify', {
        token: pending,
        body: { response: secondAssertion },
      });
      expect(completed.status, completed.text).toBe(200);
      expect(completed.body.refreshToken).toBeTruthy();
      expect((await api('/api/auth/me', { token: pending })).status).toBe(401);
    });

    const audit = await app.audit.listRecent(50, 'auth.login.success');
    expect(audit.some((e) => e.details.method === 'passkey' && e.details.via === 'bearer')).toBe(true);
  });
});
