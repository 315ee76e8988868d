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
