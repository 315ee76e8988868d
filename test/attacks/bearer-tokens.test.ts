import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery staple 42';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

const app = useTestApp({ logLevel: 'silent' });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const me = (token: string) => app.http.inject({ url: '/api/auth/me', headers: bearer(token) });
const refresh = (refreshToken: string) =>
  app.http.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });

async function signInTokens(email: string): Promise<Tokens> {
  const response = await app.http.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { email, password: PASSWORD },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A fresh account and one bearer token family for it. */
async function newAccount(label: string): Promise<{ userId: string; email: string; tokens: Tokens }> {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await app.http.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: PASSWORD },
  });
  expect(registered.statusCode, registered.body).toBe(201);
  return { userId: registered.json().user.id, email, tokens: await signInTokens(email) };
}

const sessionIdsOf = async (userId: string) =>
  (await app.database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);

function expectInvalidToken(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json().code).toBe('AUTH_INVALID_TOKEN');
}

function expectBearerChallenge(response: LightMyRequestResponse): void {
  expectInvalidToken(response);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
}

describe('bearer token families', () => {
  it('refresh rotates both tokens; the old refresh and access tokens are refused afterwards', async () => {
    const { tokens } = await newAccount('rotate');
    expect(tokens.accessToken).toMatch(/^bwa_[A-Za-z0-9_-]{43}$/);
    expect(tokens.refreshToken).toMatch(/^bwr_[A-Za-z0-9_-]{43}$/);
    expect(tokens).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });

    const rotated = await refresh(tokens.refreshToken);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next: Tokens = rotated.json();
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect((await me(next.accessToken)).statusCode).toBe(200);
    expectBearerChallenge(await me(tokens.accessToken));
    expectInvalidToken(await refresh(tokens.refreshToken));
  });

  it('replaying a spent refresh token revokes the whole family, newest tokens included, and is audited', async () => {
    const { userId, email, tokens } = await newAccount('replay');
    const [familyId] = await sessionIdsOf(userId);
    const other = await signInTokens(email);
    const next: Tokens = (await refresh(tokens.refreshToken)).json();
    expect((await me(next.accessToken)).statusCode).toBe(200);

    expectInvalidToken(await refresh(tokens.refreshToken));
    expectBearerChallenge(await me(next.accessToken));
    expectInvalidToken(await refresh(next.refreshToken));
    // Only the compromised family ends: the same user's other sign-in is untouched.
    expect((await me(other.accessToken)).statusCode).toBe(200);
    expect(await sessionIdsOf(userId)).not.toContain(familyId);
    expect(await sessionIdsOf(userId)).toHaveLength(1);

    const reuses = await app.audit.listRecent(100, 'auth.refresh.reuse');
    const entry = reuses.find((e) => e.details.sessionId === familyId);
    expect(entry, JSON.stringify(reuses)).toBeDefined();
    expect(JSON.stringify(entry)).not.toContain(tokens.refreshToken);
  });

  it('20 simultaneous refreshes with the same token give exactly one 200 and no server error', async () => {
    const { tokens } = await newAccount('race');
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens.refreshToken)));
    const statuses = responses.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 401),
      JSON.stringify(statuses),
    ).toHaveLength(19);
  });

  it('an expired access token is refused with 401', async () => {
    const { userId, tokens } = await newAccount('expired');
    expect((await me(tokens.accessToken)).statusCode).toBe(200);
    await app.database.db
      .updateTable('access_tokens')
      .set({ expires_ms: Date.now() - 1000 })
      .where('session_id', 'in', await sessionIdsOf(userId))
      .execute();
    expectBearerChallenge(await me(tokens.accessToken));
  });

  it('a tampered or forged token is refused with 401 and a WWW-Authenticate challenge', async () => {
    const { tokens } = await newAccount('tamper');
    const flip = (token: string, at: number) => {
      const chars = [...token];
      chars[at] = chars[at] === 'A' ? 'B' : 'A';
      return chars.join('');
    };
    const forged = [
      flip(tokens.accessToken, tokens.accessToken.length - 1),
      flip(tokens.accessToken, 4),
      `${tokens.accessToken}A`,
      tokens.accessToken.slice(0, -1),
      `bwa_${randomBytes(32).toString('base64url')}`,
      `bwk_${randomBytes(32).toString('base64url')}`,
      // A refresh token is not an access token, even a live one.
      tokens.refreshToken,
      tokens.accessToken.slice(4),
    ];
    for (const token of forged) expectBearerChallenge(await me(token));
    expectInvalidToken(await refresh(flip(tokens.refreshToken, tokens.refreshToken.length - 1)));
    expectInvalidToken(await refresh(`bwr_${randomBytes(32).toString('base64url')}`));
    expectInvalidToken(await refresh(tokens.accessToken));
    // None of the attempts harmed the real tokens.
    expect((await me(tokens.accessToken)).statusCode).toBe(200);
    expect((await refresh(tokens.refreshToken)).statusCode).toBe(200);
  });

  it('a token family past its absolute lifetime can neither refresh nor authenticate', async () => {
    const { userId, tokens } = await newAccount('lifetime');
    expect((await me(tokens.accessToken)).statusCode).toBe(200);
    await app.database.db
      .updateTable('sessions')
      .set({ expires_ms: Date.now() - 1000 })
      .where('user_id', '=', userId)
      .execute();
    expectInvalidToken(await refresh(tokens.refreshToken));
    expectBearerChallenge(await me(tokens.accessToken));
  });

  it('logout with a bearer token ends its access token at once and its refresh token', async () => {
    const { userId, tokens } = await newAccount('logout');
    const [sessionId] = await sessionIdsOf(userId);
    const logout = await app.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: bearer(tokens.accessToken),
    });
    expect(logout.statusCode, logout.body).toBe(204);
    expectBearerChallenge(await me(tokens.accessToken));
    expectInvalidToken(await refresh(tokens.refreshToken));
    const db = app.database.db;
    const left = [
      ...(await db
        .selectFrom('access_tokens')
        .select('token_hash')
        .where('session_id', '=', sessionId as string)
        .execute()),
      ...(await db
        .selectFrom('refresh_tokens')
        .select('token_hash')
        .where('session_id', '=', sessionId as string)
        .execute()),
    ];
    expect(left).toEqual([]);
  });

  it('stores tokens only as keyed hashes: no raw token in access_tokens, refresh_tokens or sessions', async () => {
    const { email, tokens } = await newAccount('hashes');
    const rotated: Tokens = (await refresh(tokens.refreshToken)).json();
    const second = await signInTokens(email);
    const raw = [tokens, rotated, second].flatMap((t) => [t.accessToken, t.refreshToken]);
    const db = app.database.db;
    const rows = JSON.stringify([
      await db.selectFrom('access_tokens').selectAll().execute(),
      await db.selectFrom('refresh_tokens').selectAll().execute(),
      await db.selectFrom('sessions').selectAll().execute(),
    ]);
    expect(rows).toContain('token_hash');
    for (const token of raw) {
      expect(rows).not.toContain(token);
      expect(rows).not.toContain(token.slice(4));
      // Not a plain digest either: a copy of the database alone cannot test guesses.
      expect(rows).not.toContain(createHash('sha256').update(token).digest('hex'));
    }
  });

  it.each([
    ['a path', 'Bearer ../../etc'],
    ['an empty header', ''],
    ['another scheme', 'Basic x'],
    ['a scheme without a token', 'Bearer'],
    ['a scheme and a space', 'Bearer '],
    ['two tokens', 'Bearer bwa_aaaaaaaaaaaa bwa_bbbbbbbbbbbb'],
    ['SQL', "Bearer bwa_' OR '1'='1"],
    ['a huge token', `Bearer bwa_${'A'.repeat(20_000)}`],
    ['non-ASCII', 'Bearer bwa_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'],
    ['a lower-case scheme and junk', 'bearer %00%0d%0a'],
  ])('an Authorization header with %s gets 401, never 500', async (_name, authorization) => {
    const response = await app.http.inject({ url: '/api/auth/me', headers: { authorization } });
    expect(response.statusCode, response.body).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.body).not.toMatch(/stack|at \w+ \(|\.ts:\d+|node_modules/);
  });
});
