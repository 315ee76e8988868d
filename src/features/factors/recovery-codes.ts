import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import type { TokenHasher } from '../../lib/crypto/token-hasher.js';

/** How many codes a user gets at once. */
export const RECOVERY_CODE_COUNT = 10;
/** 50 random bits per code (10 base32 characters), shown as `xxxxx-xxxxx`. */
const CODE_BYTES = 7;
const CODE_CHARS = 10;

/** Accepts the code as shown, in any case, with or without the dash and spaces. */
export function normaliseRecoveryCode(code: string): string | null {
  const compact = code.replace(/[\s-]/g, '').toLowerCase();
  return /^[a-z2-7]{10}$/.test(compact) ? compact : null;
}

/**
 * Single-use recovery codes for when the authenticator is lost. Stored as HMACs (like every
 * other secret), spent by one conditional write, replaced all at once on regeneration.
 */
export function createRecoveryCodes(db: Kysely<DatabaseTables>, hash: TokenHasher, now: () => number) {
  return {
    /** Replaces the user's codes with new ones and returns them, once, for display. */
    async regenerate(userId: string): Promise<string[]> {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
        const raw = encodeBase32LowerCaseNoPadding(randomBytes(CODE_BYTES)).slice(0, CODE_CHARS);
        return `${raw.slice(0, 5)}-${raw.slice(5)}`;
      });
      // Inside a caller's transaction (`admin create --totp`), the replacement is part of it.
      const replace = async (trx: Kysely<DatabaseTables>) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        await trx
          .insertInto('recovery_codes')
          .values(
            codes.map((code) => ({
              code_hash: hash(`recovery:${normaliseRecoveryCode(code)}`),
              user_id: userId,
              created_ms: now(),
              used_ms: null,
            })),
          )
          .execute();
      };
      await (db.isTransaction ? replace(db) : db.transaction().execute(replace));
      return codes;
    },

    /** Spends one code: true only for the one caller whose write took effect. */
    async spend(userId: string, code: string): Promise<boolean> {
      const normalised = normaliseRecoveryCode(code);
      if (!normalised) return false;
      const result = await db
        .updateTable('recovery_codes')
        .set({ used_ms: now() })
        .where('code_hash', '=', hash(`recovery:${normalised}`))
        .where('user_id', '=', userId)
        .where('used_ms', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async remaining(userId: string): Promise<number> {
      const row = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('used_ms', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    removeAll: (userId: string) => db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute(),
  };
}
