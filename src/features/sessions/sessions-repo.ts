import { type Kysely, sql } from 'kysely';
import {
  type DatabaseTables,
  isForeignKeyViolation,
  runCompiled,
  type SessionsTable,
  schemaVersionColumn,
  type UsersTable,
} from '../../db/index.js';
import { appError } from '../../errors/index.js';

/** The user's columns, read in the same query as the session on every authenticated request. */
const USER_COLUMNS = [
  'users.email as u_email',
  'users.name as u_name',
  'users.password_hash as u_password_hash',
  'users.role as u_role',
  'users.verified as u_verified',
  'users.disabled as u_disabled',
  'users.created_ms as u_created_ms',
  'users.updated_ms as u_updated_ms',
  'users.mfa_enrolled_ms as u_mfa_enrolled_ms',
] as const;

type UserColumns = { [K in keyof Omit<UsersTable, 'id'> as `u_${K}`]: UsersTable[K] };

export function userFromJoin(userId: string, row: UserColumns): UsersTable {
  return {
    id: userId,
    email: row.u_email,
    name: row.u_name,
    password_hash: row.u_password_hash,
    role: row.u_role,
    verified: row.u_verified,
    disabled: row.u_disabled,
    created_ms: row.u_created_ms,
    updated_ms: row.u_updated_ms,
    mfa_enrolled_ms: row.u_mfa_enrolled_ms,
  };
}

/** SQL for sessions, bearer token families and their tokens. */
export function createSessionsRepo(db: Kysely<DatabaseTables>) {
  // The two lookups every authenticated request makes: built and compiled once, bound per call.
  // Each also returns the schema version (see db/schema-version.ts) in the same statement.
  const byTokenHash = db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(USER_COLUMNS)
    .select(schemaVersionColumn)
    .where('sessions.token_hash', '=', '')
    .compile();
  const byAccessToken = db
    .selectFrom('access_tokens')
    .innerJoin('sessions', 'sessions.id', 'access_tokens.session_id')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'access_tokens.expires_ms as token_expires_ms',
      'sessions.id',
      'sessions.user_id',
      'sessions.expires_ms',
      'sessions.reauth_ms',
      'sessions.stage',
      'sessions.factor_ms',
    ])
    .select(USER_COLUMNS)
    .select(schemaVersionColumn)
    .where('access_tokens.token_hash', '=', '')
    .compile();

  return {
    /** A user deleted while signing in has no session to get: the sign-in fails like any other. */
    insert: (session: SessionsTable) =>
      db
        .insertInto('sessions')
        .values(session)
        .execute()
        .catch((error: unknown) => {
          if (isForeignKeyViolation(error)) throw appError('AUTH_INVALID_CREDENTIALS', { cause: error });
          throw error;
        }),
    findByTokenHash: async (tokenHash: string) => (await runCompiled(db, byTokenHash, [tokenHash]))[0],
    findById: (id: string) => db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The session and whether its user is disabled, for refresh (which has no other user check). */
    findByIdWithUserState: (id: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('sessions')
        .select('users.disabled as u_disabled')
        .where('sessions.id', '=', id)
        .executeTakeFirst(),
    listForUser: (userId: string) =>
      db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('last_seen_ms', 'desc').execute(),
    touch: (id: string, nowMs: number) =>
      db.updateTable('sessions').set({ last_seen_ms: nowMs }).where('id', '=', id).execute(),
    setReauth: (id: string, changes: Partial<Pick<SessionsTable, 'reauth_ms' | 'factor_ms' | 'token_hash'>>) =>
      db.updateTable('sessions').set(changes).where('id', '=', id).execute(),
    /** Deleting a session cascades to its access and refresh tokens. */
    delete: (id: string) => db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst(),
    deleteForUser: (userId: string, exceptId?: string) => {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptId) query = query.where('id', '!=', exceptId);
      return query.executeTakeFirst();
    },
    /** Every session of every user (incident response); tokens go with them. */
    deleteAll: () => db.deleteFrom('sessions').executeTakeFirst(),
    /** Sessions not past their absolute lifetime, and how many users hold them. */
    async countUnexpired(nowMs: number): Promise<{ sessions: number; users: number }> {
      const row = await db
        .selectFrom('sessions')
        .select([
          sql<number | string>`count(*)`.as('sessions'),
          sql<number | string>`count(distinct user_id)`.as('users'),
        ])
        .where('expires_ms', '>', nowMs)
        .executeTakeFirst();
      return { sessions: Number(row?.sessions ?? 0), users: Number(row?.users ?? 0) };
    },
    /**
     * Keeps the user's `keep` most recently used sessions of the same class as `newId` (full
     * sign-ins, or sign-ins still owing a second factor) besides `newId` itself, and deletes
     * the older ones of that class. One statement: the subquery picks the survivors.
     */
    evictBeyond: (userId: string, newId: string, pending: boolean, keep: number) => {
      const survivors = db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', userId)
        .where('id', '!=', newId)
        .where('stage', pending ? '!=' : '=', 'full')
        .orderBy('last_seen_ms', 'desc')
        .orderBy('created_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(keep);
      return db
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('id', '!=', newId)
        .where('stage', pending ? '!=' : '=', 'full')
        .where('id', 'not in', survivors)
        .executeTakeFirst();
    },

    insertAccessToken: (tokenHash: string, sessionId: string, expiresMs: number) =>
      db
        .insertInto('access_tokens')
        .values({ token_hash: tokenHash, session_id: sessionId, expires_ms: expiresMs })
        .execute(),
    findAccessToken: async (tokenHash: string) => (await runCompiled(db, byAccessToken, [tokenHash]))[0],
    deleteAccessTokens: (sessionId: string) =>
      db.deleteFrom('access_tokens').where('session_id', '=', sessionId).execute(),

    insertRefreshToken: (tokenHash: string, sessionId: string, nowMs: number) =>
      db
        .insertInto('refresh_tokens')
        .values({ token_hash: tokenHash, session_id: sessionId, created_ms: nowMs, used_ms: null })
        .execute(),
    findRefreshToken: (tokenHash: string) =>
      db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    /** The one conditional write that spends a refresh token: of two racing uses, one wins. */
    spendRefreshToken: async (tokenHash: string, nowMs: number) => {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ used_ms: nowMs })
        .where('token_hash', '=', tokenHash)
        .where('used_ms', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
