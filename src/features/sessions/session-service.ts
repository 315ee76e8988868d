import type { Kysely } from 'kysely';
import {
  type DatabaseTables,
  type SchemaVersion,
  type SessionStage,
  type SessionsTable,
  toSchemaVersion,
  type UsersTable,
} from '../../db/index.js';
import { newId, newSecret, TOKEN_PREFIX, type TokenHasher } from '../../lib/crypto/token-hasher.js';
import { newSessionRow, reauthChanges } from './session-rows.js';
import {
  accessTokenLive,
  cookieSessionVerdict,
  familyRefreshable,
  pendingAccessTokenSeconds,
  sessionLifetimeSeconds,
} from './session-timing.js';
import { createSessionsRepo, type SessionsRepo, userFromJoin } from './sessions-repo.js';

export interface SessionSettings {
  idleTimeoutSeconds: number;
  absoluteLifetimeSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenLifetimeSeconds: number;
  /** Lifetime of a sign-in that still owes its second factor (or may only enrol one). */
  pendingTtlSeconds: number;
  /**
   * Most sessions (browser sessions and token families together) a user keeps; a new one ends
   * the least recently used beyond it. Unset: no cap.
   */
  maxSessionsPerUser?: number;
}

/** How a new sign-in stands: its stage, and whether it proved a second factor just now. */
export interface SignInState {
  stage: SessionStage;
  factorProven: boolean;
}

const FULL_WITHOUT_FACTOR: SignInState = { stage: 'full', factorProven: false };

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface BearerTokens {
  accessToken: string;
  /** Absent while the sign-in owes its second factor: that token cannot be refreshed. */
  refreshToken?: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface ResolvedSession {
  session: Pick<SessionsTable, 'id' | 'user_id' | 'reauth_ms' | 'stage' | 'factor_ms' | 'token_hash'>;
  /** Read in the same query: every authenticated request needs it. */
  user: UsersTable;
  /** The collections schema version, read in the same statement (db/schema-version.ts). */
  schemaVersion: SchemaVersion;
}

export type RefreshOutcome =
  | { ok: true; tokens: BearerTokens; userId: string; sessionId: string }
  | { ok: false; reusedSessionId?: string };

/**
 * Browser sessions and bearer token families. Secrets are returned once and stored only as
 * HMACs; expiry (idle and absolute) is checked on every use; deleting the session row ends
 * the whole sign-in, tokens included, on every instance at once (they share the database).
 */
export function createSessionService(
  db: Kysely<DatabaseTables>,
  hash: TokenHasher,
  settings: SessionSettings,
  now: () => number = Date.now,
) {
  const repo = createSessionsRepo(db);

  const insertSession = async (
    userId: string,
    kind: SessionsTable['kind'],
    meta: ClientMeta,
    tokenHash: string | null,
    state: SignInState,
  ) => {
    const id = newId();
    await repo.insert(newSessionRow(settings, { id, userId, kind, tokenHash, state }, meta, now()));
    // The cap counts full sign-ins and sign-ins still owing a factor separately, so someone who
    // knows only the password cannot sign the user out by signing in over and over.
    if (settings.maxSessionsPerUser !== undefined) {
      await repo.evictBeyond(userId, id, state.stage !== 'full', settings.maxSessionsPerUser - 1);
    }
    return id;
  };

  const issueBearerTokens = async (sessionId: string, tokens: SessionsRepo = repo): Promise<BearerTokens> => {
    const accessToken = newSecret(TOKEN_PREFIX.access);
    const refreshToken = newSecret(TOKEN_PREFIX.refresh);
    await tokens.insertAccessToken(hash(accessToken), sessionId, now() + settings.accessTokenTtlSeconds * 1000);
    await tokens.insertRefreshToken(hash(refreshToken), sessionId, now());
    return { accessToken, refreshToken, expiresIn: settings.accessTokenTtlSeconds, tokenType: 'Bearer' };
  };

  /** A restricted sign-in gets one short access token and no refresh token. */
  const issuePendingToken = async (sessionId: string): Promise<BearerTokens> => {
    const accessToken = newSecret(TOKEN_PREFIX.access);
    const ttlSeconds = pendingAccessTokenSeconds(settings);
    await repo.insertAccessToken(hash(accessToken), sessionId, now() + ttlSeconds * 1000);
    return { accessToken, expiresIn: ttlSeconds, tokenType: 'Bearer' };
  };

  return {
    async createCookieSession(userId: string, meta: ClientMeta, state: SignInState = FULL_WITHOUT_FACTOR) {
      const token = newSecret();
      const sessionId = await insertSession(userId, 'cookie', meta, hash(token), state);
      const maxAgeSeconds = sessionLifetimeSeconds(settings, 'cookie', state.stage);
      return { token, sessionId, maxAgeSeconds };
    },

    async createBearerFamily(userId: string, meta: ClientMeta, state: SignInState = FULL_WITHOUT_FACTOR) {
      const sessionId = await insertSession(userId, 'bearer', meta, null, state);
      const tokens = state.stage === 'full' ? await issueBearerTokens(sessionId) : await issuePendingToken(sessionId);
      return { sessionId, tokens };
    },

    /** A browser session by its cookie, or null when unknown, idle too long or past its lifetime. */
    async resolveCookie(token: string): Promise<ResolvedSession | null> {
      const session = await repo.findByTokenHash(hash(token));
      if (session?.kind !== 'cookie') return null;
      const nowMs = now();
      const verdict = cookieSessionVerdict(session, settings.idleTimeoutSeconds, nowMs);
      if (verdict === 'ended') {
        await repo.delete(session.id);
        return null;
      }
      if (verdict === 'touch') await repo.touch(session.id, nowMs);
      return {
        session,
        user: userFromJoin(session.user_id, session),
        schemaVersion: toSchemaVersion(session.schema_version),
      };
    },

    async resolveAccessToken(token: string): Promise<ResolvedSession | null> {
      const row = await repo.findAccessToken(hash(token));
      if (!row || !accessTokenLive(row, now())) return null;
      return {
        session: {
          id: row.id,
          user_id: row.user_id,
          reauth_ms: row.reauth_ms,
          stage: row.stage,
          factor_ms: row.factor_ms,
          // Bearer families have no cookie.
          token_hash: null,
        },
        user: userFromJoin(row.user_id, row),
        schemaVersion: toSchemaVersion(row.schema_version),
      };
    },

    /**
     * Rotates a refresh token. A token already spent means it was stolen or replayed: the
     * whole family is revoked, so the thief's copy and the victim's both stop working.
     */
    async refresh(refreshToken: string): Promise<RefreshOutcome> {
      const tokenHash = hash(refreshToken);
      const row = await repo.findRefreshToken(tokenHash);
      if (!row) return { ok: false };
      const session = await repo.findByIdWithUserState(row.session_id);
      if (!familyRefreshable(session, now())) return { ok: false };
      // Spending and re-issuing are one transaction: a racing use waits for it, finds the token
      // spent, and revokes the family only after the winner's tokens exist (no dangling rows).
      const tokens = await db.transaction().execute(async (trx) => {
        const inTrx = createSessionsRepo(trx);
        if (row.used_ms !== null || !(await inTrx.spendRefreshToken(tokenHash, now()))) return null;
        await inTrx.deleteAccessTokens(session.id);
        await inTrx.touch(session.id, now());
        return issueBearerTokens(session.id, inTrx);
      });
      if (!tokens) {
        await repo.delete(session.id);
        return { ok: false, reusedSessionId: session.id };
      }
      return { ok: true, tokens, userId: session.user_id, sessionId: session.id };
    },

    /**
     * Records a fresh authentication. A browser session also gets a new id (token), so a
     * token planted or observed before the step-up is worthless after it.
     */
    async markReauthenticated(
      sessionId: string,
      kind: 'cookie' | 'bearer',
      proved: { password: boolean; factor: boolean },
    ): Promise<string | null> {
      const token = kind === 'cookie' ? newSecret() : null;
      const changes = reauthChanges(proved, token ? hash(token) : null, now());
      if (Object.keys(changes).length > 0) await repo.setReauth(sessionId, changes);
      return token;
    },

    list: (userId: string) => repo.listForUser(userId),
    find: (sessionId: string) => repo.findById(sessionId),
    revoke: (sessionId: string) => repo.delete(sessionId),
    revokeAllForUser: (userId: string, exceptSessionId?: string) => repo.deleteForUser(userId, exceptSessionId),
    /** What ending everyone's sessions would end: sessions not yet expired, and their users. */
    countEveryone: () => repo.countUnexpired(now()),
    /** Ends every session and token family of every user; returns how many sessions ended. */
    async revokeEveryone(): Promise<number> {
      return Number((await repo.deleteAll()).numDeletedRows);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
