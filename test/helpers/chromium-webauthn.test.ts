// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAuthenticate, browserRegister, openBlankPage, withVirtualAuthenticator } from './chromium-webauthn.js';

/** Registers and then signs in twice (once with allowCredentials, once discoverable) at `origin`. */
async function registerAndSignIn(page: Page, origin: string, rpID: string) {
  const registration = await generateRegistrationOptions({
    rpName: 'Bulwark',
    rpID,
    userName: 'alice@example.com',
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const created: RegistrationResponseJSON = await browserRegister(page, registration);
  expect(created.type).toBe('public-key');
  const verified = await verifyRegistrationResponse({
    response: created,
    expectedChallenge: registration.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  expect(verified.verified).toBe(true);
  if (!verified.verified) throw new Error('unreachable');
  let credential: WebAuthnCredential = verified.registrationInfo.credential;

  for (const allowCredentials of [[{ id: credential.id }], undefined]) {
    const request = await generateAuthenticationOptions({
      rpID,
      userVerification: 'required',
      ...(allowCredentials ? { allowCredentials } : {}),
    });
    const assertion = await browserAuthenticate(page, request);
    expect(assertion.id).toBe(credential.id);
    expect(assertion.response.userHandle).toBe(registration.user.id);
    const result = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: request.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
      requireUserVerification: true,
    });
    expect(result.verified).toBe(true);
    credential = { ...credential, counter: result.authenticationInfo.newCounter };
  }
  return { registration, credential };
}

describe('Chromium with a virtual WebAuthn authenticator', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>webauthn</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('creates and uses a passkey that @simplewebauthn/server verifies, on http://localhost', async () => {
    await withVirtualAuthenticator(async (page, { cdp, authenticatorId }) => {
      await page.goto(origin);
      await registerAndSignIn(page, origin, 'localhost');
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]?.rpId).toBe('localhost');
    });
  });

  it('works at any https origin served by openBlankPage, and the browser enforces the RP ID', async () => {
    await withVirtualAuthenticator(async (page) => {
      await openBlankPage(page, 'https://bulwark.test');
      const { registration, credential } = await registerAndSignIn(page, 'https://bulwark.test', 'bulwark.test');

      const foreign = await generateRegistrationOptions({ rpName: 'Evil', rpID: 'evil.test', userName: 'alice' });
      await expect(browserRegister(page, foreign)).rejects.toThrow(/SecurityError/);

      // The authenticator refuses to register a second credential for an excluded one.
      const again = await generateRegistrationOptions({
        rpName: 'Bulwark',
        rpID: 'bulwark.test',
        userName: 'alice@example.com',
        userID: Buffer.from(registration.user.id, 'base64url'),
        excludeCredentials: [{ id: credential.id }],
      });
      await expect(browserRegister(page, again)).rejects.toThrow(/InvalidStateError/);
    });
  });
});
