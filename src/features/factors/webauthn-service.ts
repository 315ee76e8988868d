import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { DatabaseTables, WebauthnChallengesTable, WebauthnCredentialsTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';

/** A ceremony must finish within this time; its challenge is spent on the first attempt. */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** Passkeys one account may hold; enough for every device a person owns. */
export const MAX_PASSKEYS_PER_USER = 20;

export type ChallengePurpose = WebauthnChallengesTable['purpose'];

/** Who we are to the browser: the relying-party id and the origins ceremonies may come from. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

export interface PasskeyView {
  id: string;
  name: string;
  created: string;
  lastUsed: string | null;
  backedUp: boolean;
}

export function toPasskeyView(row: WebauthnCredentialsTable): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    created: new Date(row.created_ms).toISOString(),
    lastUsed: row.last_used_ms === null ? null : new Date(row.last_used_ms).toISOString(),
    backedUp: row.backed_up === 1,
  };
}

const passkeyFailed = (detail: string) => appError('AUTH_PASSKEY_FAILED', { detail });

/** The challenge a response answers, read from its client data (verified again by the library). */
/**
 * A passkey response as the routes' schema (PasskeyResponse) lets it in: the envelope checked, the
 * inner `response` whatever the browser sent. @simplewebauthn/server checks that inside field by
 * field, and a response it cannot read fails verification (the calls below catch its errors).
 */
export interface PasskeyResponseJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: Record<string, unknown>;
  clientExtensionResults?: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/** The library reads every field itself and throws on a malformed one; it takes its own type. */
const forLibrary = <T>(response: PasskeyResponseJSON) => response as unknown as T;

function challengeOf(response: PasskeyResponseJSON): string | null {
  try {
    // Buffer.from throws on what is neither text nor bytes: that is "no challenge" below.
    const encoded = response.response.clientDataJSON as string;
    const clientData = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof clientData.challenge === 'string' && clientData.challenge.length <= 128 ? clientData.challenge : null;
  } catch {
    return null;
  }
}

/**
 * Passkeys (WebAuthn) through @simplewebauthn/server. Every challenge is stored with its purpose
 * and the user and session it was issued to, and spent by one conditional write before the
 * response is checked, so a replayed response or a challenge issued elsewhere gets nowhere.
 */
export function createWebauthnService(db: Kysely<DatabaseTables>, now: () => number) {
  const storeChallenge = (
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    sessionId: string | null,
  ) =>
    db
      .insertInto('webauthn_challenges')
      .values({
        challenge,
        purpose,
        user_id: userId,
        session_id: sessionId,
        expires_ms: now() + CHALLENGE_TTL_MS,
        used_ms: null,
      })
      .execute();

  /** Spends the challenge if it was issued for this purpose (and session); else refuses. */
  const spendChallenge = async (challenge: string | null, purpose: ChallengePurpose, sessionId: string | null) => {
    if (!challenge) throw passkeyFailed('The response carries no challenge of ours.');
    // Old challenges are swept here rather than by a timer: this is where they are looked at.
    await db
      .deleteFrom('webauthn_challenges')
      .where('expires_ms', '<', now() - CHALLENGE_TTL_MS)
      .execute();
    let query = db
      .updateTable('webauthn_challenges')
      .set({ used_ms: now() })
      .where('challenge', '=', challenge)
      .where('purpose', '=', purpose)
      .where('used_ms', 'is', null)
      .where('expires_ms', '>', now());
    query = sessionId === null ? query.where('session_id', 'is', null) : query.where('session_id', '=', sessionId);
    const result = await query.executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw passkeyFailed('The challenge is unknown, used or expired.');
    return db
      .selectFrom('webauthn_challenges')
      .selectAll()
      .where('challenge', '=', challenge)
      .executeTakeFirstOrThrow();
  };

  const credentialsOf = (userId: string) =>
    db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_ms').execute();

  const descriptor = (row: WebauthnCredentialsTable) => ({
    id: row.id,
    transports: JSON.parse(row.transports) as AuthenticatorTransport[],
  });

  return {
    list: credentialsOf,

    count: async (userId: string) => (await credentialsOf(userId)).length,

    async registrationOptions(
      rp: RelyingParty,
      user: { id: string; email: string; name: string | null },
      sessionId: string,
    ) {
      const existing = await credentialsOf(user.id);
      if (existing.length >= MAX_PASSKEYS_PER_USER) {
        throw appError('HTTP_VALIDATION', { detail: `An account holds at most ${MAX_PASSKEYS_PER_USER} passkeys.` });
      }
      const options = await generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.email,
        userDisplayName: user.name ?? user.email,
        userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
        attestationType: 'none',
        excludeCredentials: existing.map(descriptor),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      await storeChallenge(options.challenge, 'register', user.id, sessionId);
      return options;
    },

    async verifyRegistration(
      rp: RelyingParty,
      userId: string,
      sessionId: string,
      response: PasskeyResponseJSON,
      name: string,
    ) {
      const challenge = await spendChallenge(challengeOf(response), 'register', sessionId);
      if (challenge.user_id !== userId) throw passkeyFailed('The challenge was issued to someone else.');
      const verification = await verifyRegistrationResponse({
        response: forLibrary<RegistrationResponseJSON>(response),
        expectedChallenge: challenge.challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: false,
      }).catch(() => ({ verified: false as const }));
      if (!verification.verified) throw passkeyFailed('The passkey response did not verify.');
      const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
      const row: WebauthnCredentialsTable = {
        id: credential.id,
        user_id: userId,
        name,
        public_key: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: JSON.stringify(credential.transports ?? []),
        device_type: credentialDeviceType,
        backed_up: credentialBackedUp ? 1 : 0,
        created_ms: now(),
        last_used_ms: null,
      };
      // One statement decides, so two simultaneous registrations of a credential give one success.
      const inserted = await db
        .insertInto('webauthn_credentials')
        .values(row)
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
        throw passkeyFailed('That passkey is already registered.');
      }
      return row;
    },

    /**
     * Options for an assertion. With a user, only their passkeys are offered (second factor,
     * step-up); without, any discoverable passkey may answer (passwordless sign-in).
     */
    async authenticationOptions(
      rp: RelyingParty,
      purpose: ChallengePurpose,
      userId: string | null,
      sessionId: string | null,
    ) {
      const allow = userId ? (await credentialsOf(userId)).map(descriptor) : [];
      if (userId && allow.length === 0) throw passkeyFailed('This account has no passkey.');
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        allowCredentials: allow,
        // Signing in with a passkey alone needs the device to verify the person (PIN, biometric).
        userVerification: purpose === 'login' ? 'required' : 'preferred',
      });
      await storeChallenge(options.challenge, purpose, userId, sessionId);
      return options;
    },

    /** Checks an assertion; returns the user id it proves. */
    async verifyAuthentication(
      rp: RelyingParty,
      purpose: ChallengePurpose,
      sessionId: string | null,
      response: PasskeyResponseJSON,
    ): Promise<{ userId: string; credentialId: string; userVerified: boolean }> {
      const challenge = await spendChallenge(challengeOf(response), purpose, sessionId);
      const row = await db
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('id', '=', String(response.id))
        .executeTakeFirst();
      if (!row || (challenge.user_id !== null && row.user_id !== challenge.user_id)) {
        throw passkeyFailed('That passkey is not registered for this account.');
      }
      const verification = await verifyAuthenticationResponse({
        response: forLibrary<AuthenticationResponseJSON>(response),
        expectedChallenge: challenge.challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        credential: {
          id: row.id,
          publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
          counter: row.counter,
          transports: JSON.parse(row.transports) as AuthenticatorTransport[],
        },
        requireUserVerification: purpose === 'login',
      }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
      if (!verification.verified || !verification.authenticationInfo) {
        throw passkeyFailed('The passkey response did not verify.');
      }
      // A counter that fails to move forward (when the authenticator keeps one) means a clone.
      const { newCounter } = verification.authenticationInfo;
      const result = await db
        .updateTable('webauthn_credentials')
        .set({ counter: newCounter, last_used_ms: now() })
        .where('id', '=', row.id)
        .where('counter', newCounter === 0 ? '=' : '<', newCounter)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw passkeyFailed('The passkey’s signature counter went backwards.');
      return { userId: row.user_id, credentialId: row.id, userVerified: verification.authenticationInfo.userVerified };
    },

    async remove(userId: string, credentialId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('webauthn_credentials')
        .where('id', '=', credentialId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
