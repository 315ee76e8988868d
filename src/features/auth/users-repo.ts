import type { Kysely } from 'kysely';
import type { DatabaseTables, UsersTable } from '../../db/index.js';

/** SQL for users, and nothing else. Emails are stored normalised (trimmed, lower case). */
export function createUsersRepo(db: Kysely<DatabaseTables>) {
  return {
    findByEmail: (email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),
    findById: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
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
    countAdmins: async () => {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
