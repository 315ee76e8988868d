import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { type ChallengePurpose, passkeyFailed } from './webauthn-decisions.js';

/** A ceremony must finish within this time; its challenge is spent on the first attempt. */
const CHALLENGE_TTL_MS = 5 * 60_000;

export interface ChallengeDeps {
  db: Kysely<DatabaseTables>;
  now: () => number;
}

/** Stores a challenge with its purpose and the user and session it was issued to. */
export function storeChallenge(
  deps: ChallengeDeps,
  challenge: string,
  purpose: ChallengePurpose,
  issuedTo: { userId: string | null; sessionId: string | null },
) {
  return deps.db
    .insertInto('webauthn_challenges')
    .values({
      challenge,
      purpose,
      user_id: issuedTo.userId,
      session_id: issuedTo.sessionId,
      expires_ms: deps.now() + CHALLENGE_TTL_MS,
      used_ms: null,
    })
    .execute();
}

/**
 * Spends the challenge by one conditional write if it was issued for this purpose (and session)
 * and is unused and unexpired; else refuses. A replayed response, or one answering a challenge
 * issued elsewhere, gets no further.
 */
export async function spendChallenge(
  deps: ChallengeDeps,
  challenge: string | null,
  purpose: ChallengePurpose,
  sessionId: string | null,
) {
  if (!challenge) throw passkeyFailed('The response carries no challenge of ours.');
  const { db, now } = deps;
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
  return db.selectFrom('webauthn_challenges').selectAll().where('challenge', '=', challenge).executeTakeFirstOrThrow();
}
