import { timingSafeEqual } from 'node:crypto';
import type { OidcIdentitiesTable, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import { isLoopbackHost } from '../../lib/net/ip.js';
import { normaliseEmail } from '../identity/index.js';

/**
 * The OpenID Connect service's decisions, apart from the database and the provider so each can be
 * tested alone (oidc-claims.unit.test.ts): what a callback's claims say, which account they may
 * reach, and the rows a sign-in writes.
 */

export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Longest display name taken from a provider; the rest is noise. */
const MAX_NAME_LENGTH = 200;

export const oidcFailed = (detail: string) => appError('AUTH_OIDC_FAILED', { detail });

/** Equal strings in constant time (the state from the URL against the one in the cookie). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Plain HTTP only to a provider on this machine (development and tests). */
export function allowsPlainHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
}

/**
 * What we keep of a verified ID token: the email normalised, "verified" only when the provider
 * says exactly `true`, a name only when it is text, cut to MAX_NAME_LENGTH.
 */
export function claimsFrom(idToken: { iss: string; sub: string; [claim: string]: unknown }): OidcClaims {
  return {
    issuer: idToken.iss,
    subject: idToken.sub,
    email: typeof idToken.email === 'string' ? normaliseEmail(idToken.email) : null,
    emailVerified: idToken.email_verified === true,
    name: typeof idToken.name === 'string' ? idToken.name.slice(0, MAX_NAME_LENGTH) : null,
  };
}

/** The verified email a sign-in without a known identity or a link flow must carry; else refused. */
export function verifiedEmailOf(claims: OidcClaims): string {
  if (!claims.email || !claims.emailVerified) {
    throw oidcFailed('The identity provider did not assert a verified email address.');
  }
  return claims.email;
}

/**
 * Whether an account found by the provider's email may be linked. An account whose owner never
 * proved the address may have been registered by someone else in advance (pre-hijacking): it is
 * linked only by its owner, signed in; so is any account when the provider is not trusted for email.
 */
export function requireLinkableByEmail(
  trustedForEmail: boolean,
  existing: Pick<UsersTable, 'verified' | 'disabled'>,
): void {
  if (!trustedForEmail || existing.verified !== 1) throw appError('AUTH_OIDC_ACCOUNT_EXISTS');
  if (existing.disabled === 1) throw oidcFailed('This account is disabled.');
}

/** The identity row that ties issuer and subject to a local user. */
export function identityRow(
  providerName: string,
  claims: OidcClaims,
  userId: string,
  nowMs: number,
): OidcIdentitiesTable {
  return {
    issuer: claims.issuer,
    subject: claims.subject,
    user_id: userId,
    provider: providerName,
    email: claims.email,
    created_ms: nowMs,
    last_used_ms: nowMs,
  };
}

/** A user created by a provider's verified email: no password, verified, an ordinary user. */
export function newOidcUser(id: string, email: string, name: string | null, nowMs: number): UsersTable {
  return {
    id,
    email,
    name,
    password_hash: null,
    role: 'user',
    verified: 1,
    disabled: 0,
    created_ms: nowMs,
    updated_ms: nowMs,
    mfa_enrolled_ms: null,
  };
}
