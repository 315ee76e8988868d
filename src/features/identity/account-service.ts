import type { Kysely } from 'kysely';
import type { DatabaseTables, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import { newId, newSecret, type TokenHasher } from '../../lib/crypto/token-hasher.js';
import type { AuditSink } from '../audit/index.js';
import {
  type CredentialsVerdict,
  emailChangeOf,
  judgeCredentials,
  newUserRow,
  normaliseEmail,
  oneTimeTokenRow,
  weakPasswordError,
} from './account-rules.js';
import { createOneTimeTokensRepo, type OneTimePurpose } from './one-time-tokens-repo.js';
import { createUsersRepo } from './users-repo.js';

/** What the account service needs of password handling (see password/). */
export interface PasswordTools {
  hash: (password: string) => Promise<string>;
  verify: (hash: string | null, password: string) => Promise<{ ok: boolean; needsRehash: boolean }>;
  /** null when acceptable, else the reason code and a message for the user. */
  check: (password: string, email: string) => Promise<{ reason: string; message: string } | null>;
}

/** What a new account is made of; the password arrives in clear and is hashed here. */
interface NewUserInput {
  email: string;
  password: string;
  name?: string | undefined;
  role: UsersTable['role'];
  verified: boolean;
}

/** Single-use mailed links live 30 minutes: long enough to reach a mailbox, short for a thief. */
export const MAILED_TOKEN_TTL_SECONDS = 1800;

/**
 * Accounts: registration, credential checks with equalised work, and the single-use token
 * flows (set-up, verification, reset). Knows nothing of HTTP; callers map results to routes.
 */
export function createAccountService(deps: {
  db: Kysely<DatabaseTables>;
  hashToken: TokenHasher;
  passwords: PasswordTools;
  audit: AuditSink;
  now?: () => number;
}) {
  const users = createUsersRepo(deps.db);
  const tokens = createOneTimeTokensRepo(deps.db);
  const now = deps.now ?? Date.now;

  /** `field` names the body field the password came in, so a client can point at its input. */
  const requireAcceptablePassword = async (password: string, email: string, field = 'password') => {
    const problem = await deps.passwords.check(password, email);
    if (problem) throw weakPasswordError(problem, field);
  };

  const issueToken = async (
    purpose: OneTimePurpose,
    userId: string | null,
    ttlSeconds: number,
    payload: string | null = null,
  ) => {
    await tokens.deleteUnused(purpose, userId);
    const token = newSecret();
    await tokens.insert(oneTimeTokenRow(deps.hashToken(token), purpose, { userId, payload }, ttlSeconds, now()));
    return token;
  };

  const spendToken = async (token: string, purpose: OneTimePurpose) => {
    const row = await tokens.spend(deps.hashToken(token), purpose, now());
    if (!row) throw appError('AUTH_TOKEN_SPENT');
    return row;
  };

  /** A new user's row, its password hashed; not stored yet. */
  const hashedUserRow = async (input: NewUserInput): Promise<UsersTable> =>
    newUserRow({ ...input, id: newId() }, await deps.passwords.hash(input.password), now());

  const createUser = async (input: NewUserInput) => {
    const user = await hashedUserRow(input);
    await users.insert(user);
    return user;
  };

  return {
    users,
    requireAcceptablePassword,
    issueToken,
    spendToken,

    findByEmail: (email: string) => users.findByEmail(normaliseEmail(email)),

    /** Creates a user after the password policy; the caller decides about verification. */
    async register(input: {
      email: string;
      password: string;
      name?: string | undefined;
      verified: boolean;
      role?: UsersTable['role'];
    }) {
      const email = normaliseEmail(input.email);
      await requireAcceptablePassword(input.password, email);
      return createUser({ ...input, email, role: input.role ?? 'user' });
    },

    /**
     * Same work whatever the outcome: an unknown email still costs one argon2 verification
     * against a dummy hash, so timing does not tell which emails exist.
     */
    async verifyCredentials(email: string, password: string): Promise<CredentialsVerdict> {
      const user = await users.findByEmail(normaliseEmail(email));
      const result = await deps.passwords.verify(user?.password_hash ?? null, password);
      const verdict = judgeCredentials(user, result.ok);
      if (verdict.ok && result.needsRehash) {
        await users.updatePasswordHash(verdict.user.id, await deps.passwords.hash(password), now());
        await deps.audit.record({ type: 'auth.password.rehash', actor: verdict.user.id });
      }
      return verdict;
    },

    async setPassword(user: UsersTable, password: string, field = 'password') {
      await requireAcceptablePassword(password, user.email, field);
      await users.updatePasswordHash(user.id, await deps.passwords.hash(password), now());
    },

    /**
     * Sets a new password with a mailed reset token. The policy is checked before the token is
     * spent, so a refused password does not cost the user their link.
     */
    async resetPassword(token: string, password: string): Promise<UsersTable> {
      const live = await tokens.findLive(deps.hashToken(token), 'reset-password', now());
      const user = live?.user_id ? await users.findById(live.user_id) : undefined;
      if (!user) throw appError('AUTH_TOKEN_SPENT');
      await requireAcceptablePassword(password, user.email);
      await spendToken(token, 'reset-password');
      await users.updatePasswordHash(user.id, await deps.passwords.hash(password), now());
      return user;
    },

    /**
     * Moves an account to a new address without mail (verification off): the address must be
     * free, and it is recorded as unverified since nothing proved it.
     */
    async changeEmail(userId: string, newEmail: string) {
      const email = normaliseEmail(newEmail);
      if (await users.findByEmail(email)) throw appError('AUTH_EMAIL_TAKEN');
      await users.updateEmail(userId, email, false, now());
      return email;
    },

    /** Spends a mailed email-change token and applies the change it carries. */
    async confirmEmailChange(token: string) {
      const change = emailChangeOf(await spendToken(token, 'change-email'));
      const user = await users.findById(change.userId);
      if (!user) throw appError('AUTH_TOKEN_SPENT');
      const { email } = change;
      if (await users.findByEmail(email)) throw appError('AUTH_EMAIL_TAKEN');
      await users.updateEmail(user.id, email, true, now());
      return { userId: user.id, oldEmail: user.email, email };
    },

    async verifyEmail(token: string) {
      const row = await spendToken(token, 'verify-email');
      if (!row.user_id) throw appError('AUTH_TOKEN_SPENT');
      await users.markVerified(row.user_id, now());
      return row.user_id;
    },

    /** First administrator through the one-time set-up token; refused once any admin exists. */
    async setupFirstAdmin(input: { token: string; email: string; password: string }) {
      if ((await users.countAdmins()) > 0) throw appError('AUTH_SETUP_CLOSED');
      await requireAcceptablePassword(input.password, normaliseEmail(input.email));
      await spendToken(input.token, 'setup');
      if ((await users.findByEmail(normaliseEmail(input.email))) !== undefined) {
        throw appError('AUTH_EMAIL_TAKEN');
      }
      return createUser({ email: input.email, password: input.password, role: 'admin', verified: true });
    },

    createAdmin: (email: string, password: string) =>
      requireAcceptablePassword(password, normaliseEmail(email)).then(() =>
        createUser({ email, password, role: 'admin', verified: true }),
      ),

    /**
     * An administrator and what `alongside` writes for it (its authenticator app), in one
     * transaction: a failure in either leaves neither, so no administrator exists without the
     * factor it was promised. The password is hashed first, outside the transaction, so the
     * database's write lock is not held through argon2.
     */
    async createAdminWith<T>(
      email: string,
      password: string,
      alongside: (trx: Kysely<DatabaseTables>, user: UsersTable) => Promise<T>,
    ): Promise<{ user: UsersTable; alongside: T }> {
      await requireAcceptablePassword(password, normaliseEmail(email));
      const user = await hashedUserRow({ email, password, role: 'admin', verified: true });
      return deps.db.transaction().execute(async (trx) => {
        await createUsersRepo(trx).insert(user);
        return { user, alongside: await alongside(trx, user) };
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
