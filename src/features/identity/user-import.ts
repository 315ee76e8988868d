import { type Database, isUniqueViolation, type UsersTable, writeTransaction } from '../../db/index.js';
import { newId } from '../../lib/crypto/token-hasher.js';
import { normaliseEmail } from './account-rules.js';
import { createUsersRepo } from './users-repo.js';

/** One account to make: already checked (see cli/users-import-lines.ts). */
export interface ImportedAccount {
  email: string;
  name: string | null;
  role: UsersTable['role'];
  /** The line of the file it came from, for messages and the audit log. */
  line: number;
}

/**
 * A set-password link for an imported account lives 3 days, not the 30 minutes of a reset the
 * user asked for: the user did not ask and may read the mail days later; it still works once.
 */
export const INVITATION_TTL_SECONDS = 3 * 86_400;

/** Thrown when an address in the file got an account meanwhile (another import, a sign-up). */
export class ImportEmailTaken extends Error {}

/**
 * Makes the accounts in one write transaction, all or none. They have no password (nobody can
 * sign in to one until its owner sets one through a set-password link) and count as verified:
 * the operator vouches for the addresses, as `bulwark admin create` does. `onAccount` is told of
 * each account as it is written (a progress bar).
 */
export async function importAccounts(
  database: Database,
  accounts: readonly ImportedAccount[],
  options: { now: () => number; onAccount?: () => void },
): Promise<Array<UsersTable & { line: number }>> {
  try {
    return await writeTransaction(database, async (trx) => {
      const users = createUsersRepo(trx);
      const made: Array<UsersTable & { line: number }> = [];
      for (const account of accounts) {
        const nowMs = options.now();
        const user: UsersTable = {
          id: newId(),
          email: normaliseEmail(account.email),
          name: account.name,
          password_hash: null,
          role: account.role,
          verified: 1,
          disabled: 0,
          created_ms: nowMs,
          updated_ms: nowMs,
          mfa_enrolled_ms: null,
        };
        await users.insert(user);
        made.push({ ...user, line: account.line });
        options.onAccount?.();
      }
      return made;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ImportEmailTaken('an address in the file got an account meanwhile');
    throw error;
  }
}
