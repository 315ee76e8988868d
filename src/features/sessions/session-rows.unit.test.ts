import { describe, expect, it } from 'vitest';
import { MAX_USER_AGENT_LENGTH, newSessionRow, reauthChanges } from './session-rows.js';

const settings = { pendingTtlSeconds: 300, absoluteLifetimeSeconds: 86_400, refreshTokenLifetimeSeconds: 2_592_000 };
const meta = { ip: '192.0.2.1', userAgent: 'Firefox' };
const full = { stage: 'full', factorProven: false } as const;

describe('newSessionRow', () => {
  it('starts a browser session now, freshly authenticated, expiring after its lifetime', () => {
    const sign = { id: 's1', userId: 'u1', kind: 'cookie', tokenHash: 'h', state: full } as const;
    expect(newSessionRow(settings, sign, meta, 1_000)).toEqual({
      id: 's1',
      token_hash: 'h',
      user_id: 'u1',
      kind: 'cookie',
      created_ms: 1_000,
      last_seen_ms: 1_000,
      expires_ms: 1_000 + 86_400_000,
      reauth_ms: 1_000,
      ip: '192.0.2.1',
      user_agent: 'Firefox',
      stage: 'full',
      factor_ms: null,
    });
  });

  it('gives a sign-in owing its factor the pending lifetime and one that proved it the factor time', () => {
    const pending = {
      id: 's',
      userId: 'u',
      kind: 'bearer',
      tokenHash: null,
      state: { stage: 'mfa', factorProven: false },
    } as const;
    expect(newSessionRow(settings, pending, meta, 0).expires_ms).toBe(300_000);
    const proved = { ...pending, state: { stage: 'full', factorProven: true } } as const;
    const row = newSessionRow(settings, proved, meta, 5);
    expect(row.factor_ms).toBe(5);
    expect(row.expires_ms).toBe(5 + 2_592_000_000);
  });

  it('keeps at most MAX_USER_AGENT_LENGTH characters of the user-agent, and null when there is none', () => {
    const sign = { id: 's', userId: 'u', kind: 'cookie', tokenHash: 'h', state: full } as const;
    const long = newSessionRow(settings, sign, { ip: null, userAgent: 'a'.repeat(500) }, 0);
    expect(long.user_agent).toBe('a'.repeat(MAX_USER_AGENT_LENGTH));
    expect(newSessionRow(settings, sign, { ip: null, userAgent: null }, 0).user_agent).toBeNull();
  });
});

describe('reauthChanges', () => {
  it('changes only what was proved, plus a browser session’s new token', () => {
    expect(reauthChanges({ password: true, factor: false }, null, 9)).toEqual({ reauth_ms: 9 });
    expect(reauthChanges({ password: false, factor: true }, null, 9)).toEqual({ factor_ms: 9 });
    expect(reauthChanges({ password: true, factor: true }, 'new', 9)).toEqual({
      reauth_ms: 9,
      factor_ms: 9,
      token_hash: 'new',
    });
    expect(reauthChanges({ password: false, factor: false }, null, 9)).toEqual({});
  });
});
