import { describe, expect, it } from 'vitest';
import {
  allowsPlainHttp,
  claimsFrom,
  identityRow,
  newOidcUser,
  type OidcClaims,
  requireLinkableByEmail,
  sameSecret,
  verifiedEmailOf,
} from './oidc-claims.js';

const claims: OidcClaims = {
  issuer: 'https://id.example',
  subject: 'sub-1',
  email: 'ada@example.com',
  emailVerified: true,
  name: 'Ada',
};

describe('sameSecret', () => {
  it('is true only for the same text, and false for a prefix or a different length', () => {
    expect(sameSecret('state-abc', 'state-abc')).toBe(true);
    expect(sameSecret('state-abc', 'state-abd')).toBe(false);
    expect(sameSecret('state-ab', 'state-abc')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });
});

describe('allowsPlainHttp', () => {
  it('allows http only to a loopback issuer, and https anywhere is not "plain"', () => {
    expect(allowsPlainHttp(new URL('http://127.0.0.1:4000'))).toBe(true);
    expect(allowsPlainHttp(new URL('http://localhost:4000'))).toBe(true);
    expect(allowsPlainHttp(new URL('http://[::1]:4000'))).toBe(true);
    expect(allowsPlainHttp(new URL('http://id.example'))).toBe(false);
    expect(allowsPlainHttp(new URL('http://10.0.0.1'))).toBe(false);
    expect(allowsPlainHttp(new URL('https://127.0.0.1'))).toBe(false);
  });
});

describe('claimsFrom', () => {
  it('normalises the email and keeps issuer, subject and name', () => {
    expect(
      claimsFrom({
        iss: 'https://id.example',
        sub: 's',
        email: ' Ada@Example.COM ',
        email_verified: true,
        name: 'Ada',
      }),
    ).toEqual({
      issuer: 'https://id.example',
      subject: 's',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
    });
  });

  it('counts the email verified only when the provider says exactly true', () => {
    for (const said of ['true', 1, 'yes', undefined, null, false]) {
      expect(claimsFrom({ iss: 'i', sub: 's', email: 'a@b.c', email_verified: said }).emailVerified).toBe(false);
    }
  });

  it('drops an email or a name that is not text and cuts a long name to 200 characters', () => {
    const taken = claimsFrom({ iss: 'i', sub: 's', email: ['a@b.c'], name: { first: 'Ada' } });
    expect(taken.email).toBeNull();
    expect(taken.name).toBeNull();
    expect(claimsFrom({ iss: 'i', sub: 's', name: 'n'.repeat(500) }).name).toBe('n'.repeat(200));
  });
});

describe('verifiedEmailOf', () => {
  it('returns a verified email and refuses a missing or unverified one', () => {
    expect(verifiedEmailOf(claims)).toBe('ada@example.com');
    expect(() => verifiedEmailOf({ ...claims, emailVerified: false })).toThrow(/verified email/);
    expect(() => verifiedEmailOf({ ...claims, email: null })).toThrow(/verified email/);
  });
});

describe('requireLinkableByEmail', () => {
  const account = { verified: 1, disabled: 0 } as const;

  it('links a verified, enabled account when the provider is trusted for email', () => {
    expect(() => requireLinkableByEmail(true, account)).not.toThrow();
  });

  it('refuses with AUTH_OIDC_ACCOUNT_EXISTS when the provider is not trusted or the account unverified', () => {
    expect(() => requireLinkableByEmail(false, account)).toThrow(
      expect.objectContaining({ code: 'AUTH_OIDC_ACCOUNT_EXISTS' }),
    );
    expect(() => requireLinkableByEmail(true, { ...account, verified: 0 })).toThrow(
      expect.objectContaining({ code: 'AUTH_OIDC_ACCOUNT_EXISTS' }),
    );
  });

  it('refuses a disabled account, and says so only once the account could have been linked', () => {
    expect(() => requireLinkableByEmail(true, { ...account, disabled: 1 })).toThrow(/disabled/);
    expect(() => requireLinkableByEmail(false, { verified: 0, disabled: 1 })).toThrow(
      expect.objectContaining({ code: 'AUTH_OIDC_ACCOUNT_EXISTS' }),
    );
  });
});

describe('identityRow and newOidcUser', () => {
  it('ties issuer and subject to the user, first and last used now', () => {
    expect(identityRow('corp', claims, 'u1', 42)).toEqual({
      issuer: claims.issuer,
      subject: claims.subject,
      user_id: 'u1',
      provider: 'corp',
      email: claims.email,
      created_ms: 42,
      last_used_ms: 42,
    });
  });

  it('creates an ordinary, verified, enabled user without a password or second factor', () => {
    expect(newOidcUser('u1', 'ada@example.com', 'Ada', 42)).toEqual({
      id: 'u1',
      email: 'ada@example.com',
      name: 'Ada',
      password_hash: null,
      role: 'user',
      verified: 1,
      disabled: 0,
      created_ms: 42,
      updated_ms: 42,
      mfa_enrolled_ms: null,
    });
  });
});
