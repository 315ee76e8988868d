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
import type { DatabaseTables, WebauthnCredentialsTable } from '../../db/index.js';
import { type ChallengeDeps, spendChallenge, storeChallenge } from './webauthn-challenges.js';
import {
  type ChallengePurpose,
  challengeOf,
  credentialDescriptor,
  credentialRow,
  type PasskeyResponseJSON,
  passkeyFailed,
  requireCredentialFor,
  requireRoomForPasskey,
  storedCounterMustBe,
  userVerificationFor,
} from './webauthn-decisions.js';

/** Who we are to the browser: the relying-party id and the origins ceremonies may come from. */
export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

/** The library reads every field itself and throws on a malformed one; it takes its own type. */
const forLibrary = <T>(response: PasskeyResponseJSON) => response as unknown as T;

/**
 * Passkeys (WebAuthn) through @simplewebauthn/server. Every challenge is stored with its purpose
 * and the user and session it was issued to, and spent by one conditional write before the
 * response is checked (webauthn-challenges.ts), so a replayed response or a challenge issued
 * elsewhere gets nowhere. The decisions are webauthn-decisions.ts.
 */
export function createWebauthnService(db: Kysely<DatabaseTables>, now: () => number) {
  const challenges: ChallengeDeps = { db, now };

  const credentialsOf = (userId: string) =>
    db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_ms').execute();

  /** Stores a verified registration; one statement decides, so of two at once one succeeds. */
  const insertCredential = async (row: WebauthnCredentialsTable) => {
    const inserted = await db
      .insertInto('webauthn_credentials')
      .values(row)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) {
      throw passkeyFailed('That passkey is already registered.');
    }
  };

  /** Checks an assertion's signature against the stored passkey; refuses what does not verify. */
  const verifyAssertion = async (
    rp: RelyingParty,
    purpose: ChallengePurpose,
    response: PasskeyResponseJSON,
    expectedChallenge: string,
    row: WebauthnCredentialsTable,
  ) => {
    const verification = await verifyAuthenticationResponse({
      response: forLibrary<AuthenticationResponseJSON>(response),
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: row.id,
        publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
        counter: row.counter,
        transports: JSON.parse(row.transports) as AuthenticatorTransport[],
      },
      requireUserVerification: userVerificationFor(purpose) === 'required',
    }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
    if (!verification.verified || !verification.authenticationInfo) {
      throw passkeyFailed('The passkey response did not verify.');
    }
    return verification.authenticationInfo;
  };

  /** Writes the new counter only if it moved as it must (storedCounterMustBe); else a clone. */
  const advanceCounter = async (credentialId: string, newCounter: number) => {
    const result = await db
      .updateTable('webauthn_credentials')
      .set({ counter: newCounter, last_used_ms: now() })
      .where('id', '=', credentialId)
      .where('counter', storedCounterMustBe(newCounter), newCounter)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw passkeyFailed('The passkey’s signature counter went backwards.');
  };

  return {
    list: credentialsOf,

    count: async (userId: string) => (await credentialsOf(userId)).length,

    async registrationOptions(
      rp: RelyingParty,
      user: { id: string; email: string; name: string | null },
      sessionId: string,
    ) {
      const existing = await credentialsOf(user.id);
      requireRoomForPasskey(existing.length);
      const options = await generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.email,
        userDisplayName: user.name ?? user.email,
        userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
        attestationType: 'none',
        excludeCredentials: existing.map(credentialDescriptor),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      await storeChallenge(challenges, options.challenge, 'register', { userId: user.id, sessionId });
      return options;
    },

    async verifyRegistration(
      rp: RelyingParty,
      userId: string,
      sessionId: string,
      response: PasskeyResponseJSON,
      name: string,
    ) {
      const challenge = await spendChallenge(challenges, challengeOf(response), 'register', sessionId);
      if (challenge.user_id !== userId) throw passkeyFailed('The challenge was issued to someone else.');
      const verification = await verifyRegistrationResponse({
        response: forLibrary<RegistrationResponseJSON>(response),
        expectedChallenge: challenge.challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: false,
      }).catch(() => ({ verified: false as const }));
      if (!verification.verified) throw passkeyFailed('The passkey response did not verify.');
      const row = credentialRow(userId, name, verification.registrationInfo, now());
      await insertCredential(row);
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
      const allow = userId ? (await credentialsOf(userId)).map(credentialDescriptor) : [];
      if (userId && allow.length === 0) throw passkeyFailed('This account has no passkey.');
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        allowCredentials: allow,
        userVerification: userVerificationFor(purpose),
      });
      await storeChallenge(challenges, options.challenge, purpose, { userId, sessionId });
      return options;
    },

    /** Checks an assertion; returns the user id it proves. */
    async verifyAuthentication(
      rp: RelyingParty,
      purpose: ChallengePurpose,
      sessionId: string | null,
      response: PasskeyResponseJSON,
    ): Promise<{ userId: string; credentialId: string; userVerified: boolean }> {
      const challenge = await spendChallenge(challenges, challengeOf(response), purpose, sessionId);
      const found = await db
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('id', '=', String(response.id))
        .executeTakeFirst();
      const row = requireCredentialFor(found, challenge.user_id);
      const { newCounter, userVerified } = await verifyAssertion(rp, purpose, response, challenge.challenge, row);
      await advanceCounter(row.id, newCounter);
      return { userId: row.user_id, credentialId: row.id, userVerified };
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
