import type { OneTimeTokensTable, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';

/**
 * The account service's decisions, apart from the database and password hashing so each can be
 * tested alone (account-rules.unit.test.ts): how an email is compared, what a credential check
 * concludes, the rows a registration and a mailed link write.
 */

export type CredentialsVerdict =
  | { ok: true; user: UsersTable }
  | { ok: false; reason: 'unknown_email' | 'bad_password' | 'disabled' };

/** One spelling per address: surrounding space dropped, lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * What a sign-in's email and password come to. The password was checked whether or not the
 * user exists (equal work); a disabled account is named only to one who knew its password.
 */
export function judgeCredentials(user: UsersTable | undefined, passwordOk: boolean): CredentialsVerdict {
  if (!user) return { ok: false, reason: 'unknown_email' };
  if (!passwordOk) return { ok: false, reason: 'bad_password' };
  if (user.disabled === 1) return { ok: false, reason: 'disabled' };
  return { ok: true, user };
}

/** The refusal of a password the policy rejects; `field` names the body field it came in. */
export function weakPasswordError(problem: { reason: string; message: string }, field: string) {
  return appError('AUTH_WEAK_PASSWORD', {
    detail: problem.message,
    fields: [{ field, code: problem.reason, message: problem.message }],
  });
}

/** A new user's row: email normalised, enabled, no second factor yet. */
export function newUserRow(
  input: { id: string; email: string; name?: string | undefined; role: UsersTable['role']; verified: boolean },
  passwordHash: string,
  nowMs: number,
): UsersTable {
  return {
    id: input.id,
    email: normaliseEmail(input.email),
    name: input.name ?? null,
    password_hash: passwordHash,
    role: input.role,
    verified: input.verified ? 1 : 0,
    disabled: 0,
    created_ms: nowMs,
    updated_ms: nowMs,
    mfa_enrolled_ms: null,
  };
}

/** A single-use token's row, stored by its hash only, unused, expiring `ttlSeconds` from now. */
export function oneTimeTokenRow(
  tokenHash: string,
  purpose: OneTimeTokensTable['purpose'],
  issuedTo: { userId: string | null; payload: string | null },
  ttlSeconds: number,
  nowMs: number,
): OneTimeTokensTable {
  return {
    token_hash: tokenHash,
    purpose,
    user_id: issuedTo.userId,
    created_ms: nowMs,
    expires_ms: nowMs + ttlSeconds * 1000,
    used_ms: null,
    payload: issuedTo.payload,
  };
}

/** The change a spent email-change token carries; a token without user or address is refused. */
export function emailChangeOf(row: Pick<OneTimeTokensTable, 'user_id' | 'payload'>): { userId: string; email: string } {
  if (!row.user_id || !row.payload) throw appError('AUTH_TOKEN_SPENT');
  return { userId: row.user_id, email: normaliseEmail(row.payload) };
}
