import type { Kysely } from 'kysely';
import type { DatabaseTables, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { TokenHasher } from '../../lib/crypto/token-hasher.js';
import { createUsersRepo } from '../identity/index.js';
import { createRecoveryCodes } from './recovery-codes.js';
import { createTotpService } from './totp-service.js';
import { createWebauthnService } from './webauthn-service.js';

export interface SecondFactorPolicy {
  requiredForAdmins: boolean;
  requiredForAll: boolean;
}

export interface SecondFactorOptions {
  db: Kysely<DatabaseTables>;
  hashToken: TokenHasher;
  totpSealKey: Buffer;
  totpIssuer: string;
  policy: SecondFactorPolicy;
  now: () => number;
}

export type CodeMethod = 'totp' | 'recovery';

/**
 * A user's second factors together: TOTP, passkeys and recovery codes, whether the policy
 * demands one, and `users.mfa_enrolled_ms`, the flag read with every session lookup that says
 * a sign-in must go through a second step.
 */
export function createSecondFactors(options: SecondFactorOptions) {
  const { db, now, policy } = options;
  const totp = createTotpService(db, { issuer: options.totpIssuer, sealKey: options.totpSealKey, now });
  const recovery = createRecoveryCodes(db, options.hashToken, now);
  const webauthn = createWebauthnService(db, now);
  const users = createUsersRepo(db);

  const factorCount = async (userId: string) =>
    ((await totp.isConfirmed(userId)) ? 1 : 0) + (await webauthn.count(userId));

  /** Whether the policy makes this user hold a second factor. */
  const isRequiredFor = (user: Pick<UsersTable, 'role'>) =>
    policy.requiredForAll || (policy.requiredForAdmins && user.role === 'admin');

  /** Marks the user as enrolled after a first factor was confirmed. */
  const markEnrolled = async (userId: string): Promise<void> => {
    await users.markMfaEnrolled(userId, now());
  };

  return {
    totp,
    recovery,
    webauthn,
    isRequiredFor,

    /** Checks a TOTP code or, failing the 6-digit form, a recovery code; each is spent once. */
    async verifyCode(userId: string, code: string): Promise<CodeMethod | null> {
      if (/^\d{6}$/.test(code)) return (await totp.verify(userId, code)) ? 'totp' : null;
      return (await recovery.spend(userId, code)) ? 'recovery' : null;
    },

    markEnrolled,

    /**
     * Enrols TOTP at once, without a first code (the server's shell hands the secret to the
     * operator directly): the secret, its otpauth:// URL and new recovery codes, shown once.
     */
    async enrolTotpFromShell(user: { id: string; email: string }) {
      const { secret, otpauthUrl } = await totp.setupConfirmed(user);
      await markEnrolled(user.id);
      return { secret, otpauthUrl, recoveryCodes: await recovery.regenerate(user.id) };
    },

    /** Checks before a factor is removed: the account keeps one if the policy demands it. */
    async assertRemovable(user: Pick<UsersTable, 'id' | 'role'>): Promise<void> {
      const remaining = (await factorCount(user.id)) - 1;
      if (remaining < 1 && isRequiredFor(user)) {
        throw appError('AUTH_LAST_FACTOR');
      }
    },

    /** After a removal: with no factor left, the user signs in with one step again. */
    async settleAfterRemoval(userId: string): Promise<boolean> {
      if ((await factorCount(userId)) > 0) return true;
      await recovery.removeAll(userId);
      await users.clearMfaEnrolled(userId);
      return false;
    },

    async summary(userId: string) {
      return {
        totp: await totp.isConfirmed(userId),
        passkeys: await webauthn.count(userId),
        recoveryCodesLeft: await recovery.remaining(userId),
      };
    },
  };
}

export type SecondFactors = ReturnType<typeof createSecondFactors>;
