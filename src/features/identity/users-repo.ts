import { type Kysely, sql } from 'kysely';
import { type DatabaseTables, runCompiled, type UsersTable } from '../../db/index.js';

/** What an administrator may change of a user, or its deletion. */
export type AdminUserChange = { role?: UsersTable['role']; disabled?: boolean } | 'delete';

export type AdminUserChangeResult =
  | { ok: true; before: UsersTable; after: UsersTable | null }
  | { ok: false; reason: 'not-found' | 'last-admin' };

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL for users, and nothing else. Emails are stored normalised (trimmed, lower case). */
export function createUsersRepo(db: Kysely<DatabaseTables>) {
  // Every API-key request reads the key's owner: compiled once, bound per call.
  const byId = db.selectFrom('users').selectAll().where('id', '=', '').compile();
  return {
    findByEmail: (email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),
    findById: async (id: string) => (await runCompiled(db, byId, [id]))[0],
    insert: (user: UsersTable) => db.insertInto('users').values(user).execute(),
    updatePasswordHash: (id: string, hash: string, nowMs: number) =>
      db.updateTable('users').set({ password_hash: hash, updated_ms: nowMs }).where('id', '=', id).execute(),
    markVerified: (id: string, nowMs: number) =>
      db.updateTable('users').set({ verified: 1, updated_ms: nowMs }).where('id', '=', id).execute(),
    /** A new address is verified only when it proved itself (a mailed link); otherwise it is not. */
    updateEmail: (id: string, email: string, isVerified: boolean, nowMs: number) =>
      db
        .updateTable('users')
        .set({ email, verified: isVerified ? 1 : 0, updated_ms: nowMs })
        .where('id', '=', id)
        .execute(),
    /**
     * `mfa_enrolled_ms`, read with every session lookup, says a sign-in needs a second step: set
     * once, when the first factor is confirmed (a later one keeps the first date).
     */
    markMfaEnrolled: (id: string, nowMs: number) =>
      db
        .updateTable('users')
        .set({ mfa_enrolled_ms: nowMs })
        .where('id', '=', id)
        .where('mfa_enrolled_ms', 'is', null)
        .execute(),
    /** With no factor left, the user signs in with one step again. */
    clearMfaEnrolled: (id: string) =>
      db.updateTable('users').set({ mfa_enrolled_ms: null }).where('id', '=', id).execute(),
    /** Which of these (normalised) emails have an account. */
    findExistingEmails: async (emails: readonly string[]) =>
      emails.length === 0
        ? []
        : (await db.selectFrom('users').select('email').where('email', 'in', emails).execute()).map((row) => row.email),
    /** Administrators whose accounts are not disabled, oldest first. */
    listActiveAdmins: () =>
      db
        .selectFrom('users')
        .selectAll()
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .orderBy('created_ms', 'asc')
        .execute(),
    countAdmins: async () => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** One page of users, oldest first; `emailPrefix` matches case-insensitively, as a bound value. */
    listPage: async (options: { offset: number; limit: number; emailPrefix?: string | undefined }) => {
      let query = db.selectFrom('users');
      if (options.emailPrefix) {
        // Emails are stored in lower case, so a lower-case prefix is a case-insensitive match.
        const pattern = `${escapeLike(options.emailPrefix.trim().toLowerCase())}%`;
        query = query.where(sql<boolean>`email LIKE ${pattern} ESCAPE '\\'`);
      }
      const [rows, total] = await Promise.all([
        query
          .selectAll()
          .orderBy('created_ms', 'asc')
          .orderBy('id', 'asc')
          .limit(options.limit)
          .offset(options.offset)
          .execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(total?.n ?? 0) };
    },

    /**
     * Changes a user's role or disabled flag, or deletes the user, unless that would leave no
     * active administrator. Every active administrator's row is locked first (a no-op write), so
     * two administrators demoting each other at once run one after the other and the second is
     * refused: PostgreSQL re-reads locked rows after the first commits; SQLite has one writer.
     */
    applyAdminChange: (id: string, change: AdminUserChange, nowMs: number): Promise<AdminUserChangeResult> =>
      db.transaction().execute(async (trx): Promise<AdminUserChangeResult> => {
        await trx
          .updateTable('users')
          .set((eb) => ({ updated_ms: eb.ref('updated_ms') }))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .execute();
        const before = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
        if (!before) return { ok: false, reason: 'not-found' };
        const after: UsersTable | null =
          change === 'delete'
            ? null
            : {
                ...before,
                role: change.role ?? before.role,
                disabled: change.disabled === undefined ? before.disabled : change.disabled ? 1 : 0,
                updated_ms: nowMs,
              };
        const wasActiveAdmin = before.role === 'admin' && before.disabled === 0;
        const staysActiveAdmin = after !== null && after.role === 'admin' && after.disabled === 0;
        if (wasActiveAdmin && !staysActiveAdmin) {
          const others = await trx
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('role', '=', 'admin')
            .where('disabled', '=', 0)
            .where('id', '!=', id)
            .executeTakeFirst();
          if (Number(others?.n ?? 0) === 0) return { ok: false, reason: 'last-admin' };
        }
        if (after === null) {
          // Sessions, tokens, API keys and factors go with the row (ON DELETE CASCADE).
          await trx.deleteFrom('users').where('id', '=', id).execute();
        } else {
          await trx
            .updateTable('users')
            .set({ role: after.role, disabled: after.disabled, updated_ms: nowMs })
            .where('id', '=', id)
            .execute();
        }
        return { ok: true, before, after };
      }),
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
