import { describe, expect, it } from 'vitest';
import { exceedsDepth, MAX_JSON_DEPTH } from './json-body.js';
import { REDACTED, redactSecrets, redactUrl } from './logger.js';

describe('exceedsDepth', () => {
  it('counts nesting of objects and arrays, not brackets inside strings or escapes', () => {
    expect(exceedsDepth('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(exceedsDepth(`${'['.repeat(MAX_JSON_DEPTH + 1)}`, MAX_JSON_DEPTH)).toBe(true);
    expect(exceedsDepth(`{"a":"${'{'.repeat(100)}"}`, MAX_JSON_DEPTH)).toBe(false);
    expect(exceedsDepth(`{"a":"\\"${'['.repeat(100)}"}`, MAX_JSON_DEPTH)).toBe(false);
  });
});

describe('log redaction', () => {
  it('replaces secret-named fields at any depth and leaves the rest', () => {
    const input = { user: { email: 'a@b.c', Password: 'x', keys: [{ apiKey: 'y' }] }, headers: { Cookie: 'z' } };
    expect(redactSecrets(input)).toEqual({
      user: { email: 'a@b.c', Password: REDACTED, keys: [{ apiKey: REDACTED }] },
      headers: { Cookie: REDACTED },
    });
    expect(input.user.Password).toBe('x');
  });

  it('replaces bearer credentials and API keys whatever their field name', () => {
    expect(redactSecrets({ note: 'Bearer abc.def', other: 'bwk_ABCDEFGHIJKLMNOP' })).toEqual({
      note: REDACTED,
      other: REDACTED,
    });
  });

  it('redacts secret query parameters and keeps the others', () => {
    expect(redactUrl('/x?token=abc&page=2&access_token=def')).toBe(
      `/x?token=${encodeURIComponent(REDACTED)}&page=2&access_token=${encodeURIComponent(REDACTED)}`,
    );
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });

  it('redacts an OIDC callback’s code and state, but not an error code in a log object', () => {
    const redacted = encodeURIComponent(REDACTED);
    expect(redactUrl('/api/auth/oidc/corp/callback?code=abc123&state=xyz&iss=https%3A%2F%2Fid.example')).toBe(
      `/api/auth/oidc/corp/callback?code=${redacted}&state=${redacted}&iss=https%3A%2F%2Fid.example`,
    );
    expect(redactSecrets({ code: 'AUTH_CSRF', state: 'ready' })).toEqual({ code: 'AUTH_CSRF', state: 'ready' });
  });
});
