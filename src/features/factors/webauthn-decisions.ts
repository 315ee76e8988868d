import type { AuthenticatorTransport, VerifiedRegistrationResponse } from '@simplewebauthn/server';
import type { WebauthnChallengesTable, WebauthnCredentialsTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';

/**
 * The passkey service's decisions, apart from the database and @simplewebauthn/server so each can
 * be tested alone (webauthn-decisions.unit.test.ts): what a response claims, what a ceremony asks
 * of the device, the rows it writes and when a signature counter may move.
 */

/** Passkeys one account may hold; enough for every device a person owns. */
export const MAX_PASSKEYS_PER_USER = 20;
/** Longest challenge read from a response; ours are far shorter, anything longer is not ours. */
const MAX_CHALLENGE_LENGTH = 128;

export type ChallengePurpose = WebauthnChallengesTable['purpose'];

/**
 * A passkey response as the routes' schema (PasskeyResponse) lets it in: the envelope checked, the
 * inner `response` whatever the browser sent. @simplewebauthn/server checks that inside field by
 * field, and a response it cannot read fails verification (the service catches its errors).
 */
export interface PasskeyResponseJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: Record<string, unknown>;
  clientExtensionResults?: Record<string, unknown>;
  authenticatorAttachment?: string;
}

export interface PasskeyView {
  id: string;
  name: string;
  created: string;
  lastUsed: string | null;
  backedUp: boolean;
}

export const passkeyFailed = (detail: string) => appError('AUTH_PASSKEY_FAILED', { detail });

export function toPasskeyView(row: WebauthnCredentialsTable): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    created: new Date(row.created_ms).toISOString(),
    lastUsed: row.last_used_ms === null ? null : new Date(row.last_used_ms).toISOString(),
    backedUp: row.backed_up === 1,
  };
}

/** The challenge a response answers, read from its client data (verified again by the library). */
export function challengeOf(response: PasskeyResponseJSON): string | null {
  try {
    // Buffer.from throws on what is neither text nor bytes: that is "no challenge" below.
    const encoded = response.response.clientDataJSON as string;
    const clientData = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    const { challenge } = clientData;
    return typeof challenge === 'string' && challenge.length <= MAX_CHALLENGE_LENGTH ? challenge : null;
  } catch {
    return null;
  }
}

/** Refuses a new registration once the account holds MAX_PASSKEYS_PER_USER passkeys. */
export function requireRoomForPasskey(held: number): void {
  if (held >= MAX_PASSKEYS_PER_USER) {
    throw appError('HTTP_VALIDATION', { detail: `An account holds at most ${MAX_PASSKEYS_PER_USER} passkeys.` });
  }
}

/** A stored passkey as the library names it to the browser (allow and exclude lists). */
export function credentialDescriptor(row: Pick<WebauthnCredentialsTable, 'id' | 'transports'>) {
  return { id: row.id, transports: JSON.parse(row.transports) as AuthenticatorTransport[] };
}

/** Signing in with a passkey alone needs the device to verify the person (PIN, biometric). */
export function userVerificationFor(purpose: ChallengePurpose): 'required' | 'preferred' {
  return purpose === 'login' ? 'required' : 'preferred';
}

/**
 * An assertion's passkey must exist and, when the challenge was issued to a user (second factor,
 * step-up), belong to that user; a challenge for anyone (passwordless sign-in) takes any passkey.
 */
export function requireCredentialFor<Row extends Pick<WebauthnCredentialsTable, 'user_id'>>(
  row: Row | undefined,
  challengeUserId: string | null,
): Row {
  if (!row || (challengeUserId !== null && row.user_id !== challengeUserId)) {
    throw passkeyFailed('That passkey is not registered for this account.');
  }
  return row;
}

type RegistrationInfo = NonNullable<VerifiedRegistrationResponse['registrationInfo']>;

/** The row a verified registration stores: public key as base64url, never used yet. */
export function credentialRow(
  userId: string,
  name: string,
  info: Pick<RegistrationInfo, 'credential' | 'credentialDeviceType' | 'credentialBackedUp'>,
  nowMs: number,
): WebauthnCredentialsTable {
  return {
    id: info.credential.id,
    user_id: userId,
    name,
    public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: JSON.stringify(info.credential.transports ?? []),
    device_type: info.credentialDeviceType,
    backed_up: info.credentialBackedUp ? 1 : 0,
    created_ms: nowMs,
    last_used_ms: null,
  };
}

/**
 * How the stored counter must compare for an assertion's new counter to be written: an
 * authenticator that keeps none reports 0 and must go on doing so; one that keeps one must move
 * it forward. A counter that fails to move forward means a cloned authenticator.
 */
export function storedCounterMustBe(newCounter: number): '=' | '<' {
  return newCounter === 0 ? '=' : '<';
}
