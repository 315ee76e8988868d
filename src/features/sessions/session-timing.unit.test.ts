import { describe, expect, it } from 'vitest';
import {
  accessTokenLive,
  cookieSessionVerdict,
  familyRefreshable,
  pendingAccessTokenSeconds,
  sessionLifetimeSeconds,
  TOUCH_INTERVAL_MS,
} from './session-timing.js';

const settings = { pendingTtlSeconds: 300, absoluteLifetimeSeconds: 86_400, refreshTokenLifetimeSeconds: 2_592_000 };

describe('sessionLifetimeSeconds', () => {
  it('gives a sign-in that owes or must enrol a factor only the pending time, whatever its kind', () => {
    for (const kind of ['cookie', 'bearer'] as const) {
      expect(sessionLifetimeSeconds(settings, kind, 'mfa')).toBe(settings.pendingTtlSeconds);
      expect(sessionLifetimeSeconds(settings, kind, 'enrol')).toBe(settings.pendingTtlSeconds);
    }
  });

  it('gives a full browser session its absolute lifetime and a full token family its refresh lifetime', () => {
    expect(sessionLifetimeSeconds(settings, 'cookie', 'full')).toBe(settings.absoluteLifetimeSeconds);
    expect(sessionLifetimeSeconds(settings, 'bearer', 'full')).toBe(settings.refreshTokenLifetimeSeconds);
  });
});

describe('cookieSessionVerdict', () => {
  const idleSeconds = 1800;
  const seenAt = 1_000_000;
  const session = { last_seen_ms: seenAt, expires_ms: seenAt + 86_400_000 };

  it('keeps a session used within the idle timeout and ends it one millisecond past', () => {
    expect(cookieSessionVerdict(session, idleSeconds, seenAt + idleSeconds * 1000)).not.toBe('ended');
    expect(cookieSessionVerdict(session, idleSeconds, seenAt + idleSeconds * 1000 + 1)).toBe('ended');
  });

  it('ends a session at its absolute lifetime even while it is in use', () => {
    const busy = { last_seen_ms: session.expires_ms - 1, expires_ms: session.expires_ms };
    expect(cookieSessionVerdict(busy, idleSeconds, session.expires_ms - 1)).toBe('live');
    expect(cookieSessionVerdict(busy, idleSeconds, session.expires_ms)).toBe('ended');
  });

  it('writes last_seen again only once it is more than the touch interval old', () => {
    expect(cookieSessionVerdict(session, idleSeconds, seenAt + TOUCH_INTERVAL_MS)).toBe('live');
    expect(cookieSessionVerdict(session, idleSeconds, seenAt + TOUCH_INTERVAL_MS + 1)).toBe('touch');
  });
});

describe('pendingAccessTokenSeconds', () => {
  it('gives a restricted sign-in’s token the shorter of the access-token and pending times', () => {
    expect(pendingAccessTokenSeconds({ accessTokenTtlSeconds: 900, pendingTtlSeconds: 300 })).toBe(300);
    expect(pendingAccessTokenSeconds({ accessTokenTtlSeconds: 60, pendingTtlSeconds: 300 })).toBe(60);
  });
});

describe('accessTokenLive', () => {
  it('keeps a token until the first of its own expiry and its session’s', () => {
    expect(accessTokenLive({ token_expires_ms: 100, expires_ms: 200 }, 99)).toBe(true);
    expect(accessTokenLive({ token_expires_ms: 100, expires_ms: 200 }, 100)).toBe(false);
    expect(accessTokenLive({ token_expires_ms: 300, expires_ms: 200 }, 199)).toBe(true);
    expect(accessTokenLive({ token_expires_ms: 300, expires_ms: 200 }, 200)).toBe(false);
  });
});

describe('familyRefreshable', () => {
  it('refreshes an enabled user’s family within its lifetime, and nothing else', () => {
    expect(familyRefreshable({ u_disabled: 0, expires_ms: 100 }, 99)).toBe(true);
    expect(familyRefreshable({ u_disabled: 0, expires_ms: 100 }, 100)).toBe(false);
    expect(familyRefreshable({ u_disabled: 1, expires_ms: 100 }, 0)).toBe(false);
    expect(familyRefreshable(undefined, 0)).toBe(false);
  });
});
