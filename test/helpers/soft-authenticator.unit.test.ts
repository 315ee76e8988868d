import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { createSoftAuthenticator, type SoftAuthenticator } from './soft-authenticator.js';

const RP_ID = 'bulwark.test';
const ORIGIN = 'https://bulwark.test';

async function registered(
  authenticator: SoftAuthenticator = createSoftAuthenticator(),
): Promise<{ authenticator: SoftAuthenticator; credential: WebAuthnCredential; userId: string }> {
  const options = await generateRegistrationOptions({
    rpName: 'Bulwark',
    rpID: RP_ID,
    userName: 'alice@example.com',
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const response = authenticator.register(options, ORIGIN);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
  expect(verification.verified).toBe(true);
  if (!verification.verified) throw new Error('unreachable');
  return { authenticator, credential: verification.registrationInfo.credential, userId: options.user.id };
}

describe('the software WebAuthn authenticator', () => {
  it('registers a passkey that @simplewebauthn/server verifies', async () => {
    const authenticator = createSoftAuthenticator();
    const { credential } = await registered(authenticator);
    expect(credential.id).toBe(authenticator.credentialId);
    expect(credential.counter).toBe(0);
    expect(authenticator.signCount).toBe(0);
  });

  it('reports the flags it was built with', async () => {
    const options = await generateRegistrationOptions({ rpName: 'Bulwark', rpID: RP_ID, userName: 'bob' });
    const verification = await verifyRegistrationResponse({
      response: createSoftAuthenticator({ userVerification: false }).register(options, ORIGIN),
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: false,
    });
    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo?.userVerified).toBe(false);
    expect(verification.registrationInfo?.credentialDeviceType).toBe('multiDevice');
    expect(verification.registrationInfo?.credentialBackedUp).toBe(true);
  });

  it('signs assertions that verify against the stored credential, with a rising counter', async () => {
    const { authenticator, credential, userId } = await registered();
    for (const expectedCounter of [1, 2]) {
      const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: 'required' });
      const response = authenticator.authenticate(options, ORIGIN);
      expect(response.response.userHandle).toBe(userId);
      const verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential: { ...credential, counter: expectedCounter - 1 },
        requireUserVerification: true,
      });
      expect(verification.verified).toBe(true);
      expect(verification.authenticationInfo.newCounter).toBe(expectedCounter);
      expect(authenticator.signCount).toBe(expectedCounter);
    }
  });

  it('produces assertions the library rejects for a wrong origin, challenge, RP ID or counter', async () => {
    const { authenticator, credential } = await registered();
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const verify = (response: ReturnType<SoftAuthenticator['authenticate']>, stored = credential) =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential: stored,
      });

    await expect(verify(authenticator.authenticate(options, 'https://evil.test'))).rejects.toThrow(/origin/i);
    const other = await generateAuthenticationOptions({ rpID: RP_ID });
    await expect(verify(authenticator.authenticate(other, ORIGIN))).rejects.toThrow(/challenge/i);
    await expect(verify(authenticator.authenticate(options, ORIGIN, { rpId: 'evil.test' }))).rejects.toThrow(/RP ID/i);
    await expect(
      verify(authenticator.authenticate(options, ORIGIN, { counter: 3 }), { ...credential, counter: 5 }),
    ).rejects.toThrow(/counter/i);
    // The untampered response still passes, so the rejections above are about the tampering.
    await expect(verify(authenticator.authenticate(options, ORIGIN))).resolves.toMatchObject({ verified: true });
  });

  it('refuses to authenticate before registering', () => {
    expect(() => createSoftAuthenticator().authenticate({ challenge: 'abc' }, ORIGIN)).toThrow(/register/);
  });
});
