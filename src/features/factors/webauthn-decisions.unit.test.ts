import { describe, expect, it } from 'vitest';
import {
  challengeOf,
  credentialDescriptor,
  credentialRow,
  MAX_PASSKEYS_PER_USER,
  type PasskeyResponseJSON,
  requireCredentialFor,
  requireRoomForPasskey,
  storedCounterMustBe,
  toPasskeyView,
  userVerificationFor,
} from './webauthn-decisions.js';

const responseWith = (clientDataJSON: unknown): PasskeyResponseJSON => ({
  id: 'cred',
  rawId: 'cred',
  type: 'public-key',
  response: { clientDataJSON },
});
const encoded = (clientData: unknown) => Buffer.from(JSON.stringify(clientData)).toString('base64url');

describe('challengeOf', () => {
  it('reads the challenge from the client data', () => {
    expect(challengeOf(responseWith(encoded({ type: 'webauthn.get', challenge: 'abc' })))).toBe('abc');
  });

  it('gives null for missing, non-text, over-long or unreadable client data', () => {
    expect(challengeOf(responseWith(encoded({ type: 'webauthn.get' })))).toBeNull();
    expect(challengeOf(responseWith(encoded({ challenge: 42 })))).toBeNull();
    expect(challengeOf(responseWith(encoded({ challenge: 'c'.repeat(129) })))).toBeNull();
    expect(challengeOf(responseWith(encoded({ challenge: 'c'.repeat(128) })))).toBe('c'.repeat(128));
    expect(challengeOf(responseWith('not json'))).toBeNull();
    expect(challengeOf(responseWith(undefined))).toBeNull();
    expect(challengeOf(responseWith({ an: 'object' }))).toBeNull();
  });
});

describe('requireRoomForPasskey', () => {
  it('allows a registration below the limit and refuses one at it', () => {
    expect(() => requireRoomForPasskey(MAX_PASSKEYS_PER_USER - 1)).not.toThrow();
    expect(() => requireRoomForPasskey(MAX_PASSKEYS_PER_USER)).toThrow(
      expect.objectContaining({ code: 'HTTP_VALIDATION' }),
    );
  });
});

describe('userVerificationFor', () => {
  it('requires the device to verify the person only for a passwordless sign-in', () => {
    expect(userVerificationFor('login')).toBe('required');
    expect(userVerificationFor('second-factor')).toBe('preferred');
    expect(userVerificationFor('reauth')).toBe('preferred');
    expect(userVerificationFor('register')).toBe('preferred');
  });
});

describe('requireCredentialFor', () => {
  const row = { id: 'cred', user_id: 'u1' };

  it('takes the passkey of the user the challenge was issued to, or any passkey for an open challenge', () => {
    expect(requireCredentialFor(row, 'u1')).toBe(row);
    expect(requireCredentialFor(row, null)).toBe(row);
  });

  it('refuses an unknown passkey and another user’s', () => {
    expect(() => requireCredentialFor(undefined, null)).toThrow(/not registered/);
    expect(() => requireCredentialFor(row, 'u2')).toThrow(/not registered/);
  });
});

describe('storedCounterMustBe', () => {
  it('keeps a counter-less authenticator at 0 and makes a counting one move forward', () => {
    expect(storedCounterMustBe(0)).toBe('=');
    expect(storedCounterMustBe(1)).toBe('<');
    expect(storedCounterMustBe(7)).toBe('<');
  });
});

describe('credentialRow, credentialDescriptor and toPasskeyView', () => {
  const info = {
    credential: { id: 'cred', publicKey: new Uint8Array([1, 2, 255]), counter: 3, transports: ['usb' as const] },
    credentialDeviceType: 'multiDevice' as const,
    credentialBackedUp: true,
  };

  it('stores the public key as base64url, the transports as JSON, never used yet', () => {
    const row = credentialRow('u1', 'Laptop', info, 1_000);
    expect(row).toEqual({
      id: 'cred',
      user_id: 'u1',
      name: 'Laptop',
      public_key: 'AQL_',
      counter: 3,
      transports: '["usb"]',
      device_type: 'multiDevice',
      backed_up: 1,
      created_ms: 1_000,
      last_used_ms: null,
    });
    expect(credentialDescriptor(row)).toEqual({ id: 'cred', transports: ['usb'] });
  });

  it('stores no transports as an empty list and a passkey not backed up as 0', () => {
    const row = credentialRow(
      'u1',
      'Key',
      { ...info, credential: { id: 'cred', publicKey: new Uint8Array([1]), counter: 0 }, credentialBackedUp: false },
      1_000,
    );
    expect(row.transports).toBe('[]');
    expect(row.backed_up).toBe(0);
  });

  it('shows times as ISO text, a never-used passkey with lastUsed null', () => {
    const row = credentialRow('u1', 'Laptop', info, 0);
    expect(toPasskeyView(row)).toEqual({
      id: 'cred',
      name: 'Laptop',
      created: '1970-01-01T00:00:00.000Z',
      lastUsed: null,
      backedUp: true,
    });
    expect(toPasskeyView({ ...row, last_used_ms: 60_000 }).lastUsed).toBe('1970-01-01T00:01:00.000Z');
  });
});
