import type { SessionsTable } from '../../db/index.js';
import type { ClientMeta, SessionSettings, SignInState } from './session-service.js';
import { sessionLifetimeSeconds } from './session-timing.js';

/**
 * The rows the session service writes, apart from the database so each can be tested alone
 * (session-rows.unit.test.ts).
 */

/** Longest user-agent kept for the session list; the rest is noise and log padding. */
export const MAX_USER_AGENT_LENGTH = 200;

/**
 * A new sign-in's session row. Signing in is itself a fresh authentication (`reauth_ms` now);
 * `factor_ms` is set only when a second factor was proven just now.
 */
export function newSessionRow(
  settings: Pick<SessionSettings, 'pendingTtlSeconds' | 'absoluteLifetimeSeconds' | 'refreshTokenLifetimeSeconds'>,
  sign: { id: string; userId: string; kind: SessionsTable['kind']; tokenHash: string | null; state: SignInState },
  meta: ClientMeta,
  nowMs: number,
): SessionsTable {
  return {
    id: sign.id,
    token_hash: sign.tokenHash,
    user_id: sign.userId,
    kind: sign.kind,
    created_ms: nowMs,
    last_seen_ms: nowMs,
    expires_ms: nowMs + sessionLifetimeSeconds(settings, sign.kind, sign.state.stage) * 1000,
    reauth_ms: nowMs,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    stage: sign.state.stage,
    factor_ms: sign.state.factorProven ? nowMs : null,
  };
}

/**
 * What a fresh authentication changes on its session: the password's time, the factor's time,
 * and a browser session's new token (so one planted or observed before is worthless); nothing
 * for what was not proved.
 */
export function reauthChanges(
  proved: { password: boolean; factor: boolean },
  newTokenHash: string | null,
  nowMs: number,
): Partial<Pick<SessionsTable, 'reauth_ms' | 'factor_ms' | 'token_hash'>> {
  return {
    ...(proved.password ? { reauth_ms: nowMs } : {}),
    ...(proved.factor ? { factor_ms: nowMs } : {}),
    ...(newTokenHash ? { token_hash: newTokenHash } : {}),
  };
}
