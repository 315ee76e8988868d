import { randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import { open, seal } from '../../lib/crypto/aead.js';

/** RFC 6238 defaults every authenticator app understands. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock skew accepted either side of now. */
const SKEW_STEPS = 1;
/** 160-bit secrets, as RFC 4226 recommends. */
const SECRET_BYTES = 20;

export interface TotpSettings {
  issuer: string;
  /** Key that seals secrets at rest (derived from the master key for this purpose only). */
  sealKey: Buffer;
  now: () => number;
}

/**
 * TOTP authenticators: one per user, set up unconfirmed, confirmed by a first valid code. The
 * secret is sealed with AES-256-GCM bound to the user id, so a database copy alone yields no
 * codes. A code is spent by moving `last_step` forward in one conditional write: the same code
 * (or an older one) is refused afterwards, even from another instance at the same moment.
 */
export function createTotpService(db: Kysely<DatabaseTables>, settings: TotpSettings) {
  const aad = (userId: string) => Buffer.from(`totp:${userId}`, 'utf8');
  const currentStep = () => Math.floor(settings.now() / 1000 / TOTP_PERIOD_SECONDS);

  const secretOf = (userId: string, sealed: string): Uint8Array => {
    const opened = open(settings.sealKey, Buffer.from(sealed, 'base64'), aad(userId));
    if (!opened) throw new Error('TOTP secret could not be opened (wrong master key or tampered row)');
    return opened;
  };

  /** The step in the skew window whose code equals `code`, compared in constant time. */
  const matchingStep = (secret: Uint8Array, code: string): number | null => {
    if (!/^\d{6}$/.test(code)) return null;
    const now = currentStep();
    let found: number | null = null;
    for (let step = now - SKEW_STEPS; step <= now + SKEW_STEPS; step++) {
      const expected = Buffer.from(generateHOTP(secret, BigInt(step), TOTP_DIGITS), 'utf8');
      if (timingSafeEqual(expected, Buffer.from(code, 'utf8')) && found === null) found = step;
    }
    return found;
  };

  const find = (userId: string) =>
    db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();

  /** Spends `step` for the user: true only for the one caller whose write moved it forward. */
  const spendStep = async (userId: string, step: number, confirming: boolean) => {
    let query = db
      .updateTable('totp_factors')
      .set(confirming ? { last_step: step, confirmed_ms: settings.now() } : { last_step: step })
      .where('user_id', '=', userId)
      .where('last_step', '<', step);
    query = confirming ? query.where('confirmed_ms', 'is', null) : query.where('confirmed_ms', 'is not', null);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  };

  /** A new secret for the user (replacing an unconfirmed one); refused while one is confirmed. */
  const storeNewSecret = async (user: { id: string; email: string }, confirmedMs: number | null) => {
    const existing = await find(user.id);
    if (existing?.confirmed_ms != null) {
      throw appError('AUTH_MFA_STATE', { detail: 'An authenticator app is already confirmed; remove it first.' });
    }
    const secret = new Uint8Array(randomBytes(SECRET_BYTES));
    const row = {
      user_id: user.id,
      secret_sealed: seal(settings.sealKey, Buffer.from(secret), aad(user.id)).toString('base64'),
      created_ms: settings.now(),
      confirmed_ms: confirmedMs,
      last_step: 0,
    };
    await db.deleteFrom('totp_factors').where('user_id', '=', user.id).execute();
    await db.insertInto('totp_factors').values(row).execute();
    return {
      secret: encodeBase32UpperCaseNoPadding(secret),
      otpauthUrl: createTOTPKeyURI(settings.issuer, user.email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS),
    };
  };

  return {
    /** A new unconfirmed secret (replacing an unconfirmed one); refused while one is confirmed. */
    setup: (user: { id: string; email: string }) => storeNewSecret(user, null),

    /**
     * A secret confirmed at once, for `bulwark admin create --totp`: on the server's shell the
     * operator receives the secret directly, so no first code is needed to prove it reached
     * them (over HTTP, `confirm` proves that). Only the CLI calls this.
     */
    setupConfirmed: (user: { id: string; email: string }) => storeNewSecret(user, settings.now()),

    /** Confirms the pending secret with a first valid code. */
    async confirm(userId: string, code: string): Promise<boolean> {
      const row = await find(userId);
      if (!row || row.confirmed_ms !== null) {
        throw appError('AUTH_MFA_STATE', { detail: 'There is no authenticator app waiting for confirmation.' });
      }
      const step = matchingStep(secretOf(userId, row.secret_sealed), code);
      return step !== null && spendStep(userId, step, true);
    },

    /** Checks a code against the confirmed secret and spends its step. */
    async verify(userId: string, code: string): Promise<boolean> {
      const row = await find(userId);
      if (!row || row.confirmed_ms === null) return false;
      const step = matchingStep(secretOf(userId, row.secret_sealed), code);
      return step !== null && step > row.last_step && spendStep(userId, step, false);
    },

    async isConfirmed(userId: string): Promise<boolean> {
      return (await find(userId))?.confirmed_ms != null;
    },

    async remove(userId: string): Promise<boolean> {
      const result = await db.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
