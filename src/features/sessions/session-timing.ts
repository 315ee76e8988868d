import type { SessionStage, SessionsTable } from '../../db/index.js';
import type { SessionSettings } from './session-service.js';

/** Writes of `last_seen` are spread out: once a minute is enough to judge idleness. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * How long a new sign-in lives: one that owes its second factor (or may only enrol one) the
 * short pending time; a full browser session its absolute lifetime; a full token family as long
 * as its refresh token.
 */
export function sessionLifetimeSeconds(
  settings: Pick<SessionSettings, 'pendingTtlSeconds' | 'absoluteLifetimeSeconds' | 'refreshTokenLifetimeSeconds'>,
  kind: SessionsTable['kind'],
  stage: SessionStage,
): number {
  if (stage !== 'full') return settings.pendingTtlSeconds;
  return kind === 'cookie' ? settings.absoluteLifetimeSeconds : settings.refreshTokenLifetimeSeconds;
}

/**
 * A browser session found by its cookie at `nowMs`: `ended` when idle longer than the idle
 * timeout or past its lifetime (the caller deletes it); otherwise `live`, or `touch` when its
 * `last_seen` is more than TOUCH_INTERVAL_MS old and is to be written again.
 */
export function cookieSessionVerdict(
  session: Pick<SessionsTable, 'last_seen_ms' | 'expires_ms'>,
  idleTimeoutSeconds: number,
  nowMs: number,
): 'ended' | 'touch' | 'live' {
  const isIdle = nowMs - session.last_seen_ms > idleTimeoutSeconds * 1000;
  if (isIdle || nowMs >= session.expires_ms) return 'ended';
  return nowMs - session.last_seen_ms > TOUCH_INTERVAL_MS ? 'touch' : 'live';
}

/** A restricted sign-in's one access token lives no longer than the sign-in itself may. */
export function pendingAccessTokenSeconds(
  settings: Pick<SessionSettings, 'accessTokenTtlSeconds' | 'pendingTtlSeconds'>,
): number {
  return Math.min(settings.accessTokenTtlSeconds, settings.pendingTtlSeconds);
}

/** An access token is good until its own expiry or its session's, whichever comes first. */
export function accessTokenLive(expiries: { token_expires_ms: number; expires_ms: number }, nowMs: number): boolean {
  return nowMs < expiries.token_expires_ms && nowMs < expiries.expires_ms;
}

/** A token family refreshes only while its user is enabled and the family is within its lifetime. */
export function familyRefreshable<S extends { u_disabled: number; expires_ms: number }>(
  session: S | undefined,
  nowMs: number,
): session is S {
  return session !== undefined && session.u_disabled === 0 && nowMs < session.expires_ms;
}
