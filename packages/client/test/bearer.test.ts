import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulwarkError } from '../src/index.js';
import { bearerClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

/** A new account signed in through a bearer client. */
async function signedInClient(label: string) {
  const made = bearerClient(server.url);
  const email = uniqueEmail(label);
  const { user } = await made.client.auth.signUp({ email, password: PASSWORD });
  expect(await made.client.auth.signIn({ email, password: PASSWORD })).toEqual({ stage: 'signed-in' });
  return { ...made, email, userId: user?.id as string };
}

/** Ends the access token's life on the server, as time would (the client still holds it). */
async function expireAccessTokens(userId: string): Promise<void> {
  const { db } = server.app.database;
  const sessions = db.selectFrom('sessions').select('id').where('user_id', '=', userId);
  await db
    .updateTable('access_tokens')
    .set({ expires_ms: Date.now() - 1000 })
    .where('session_id', 'in', sessions)
    .execute();
}

describe('bearer mode', () => {
  it('signs up, signs in with tokens, and reads and writes records under the rules', async () => {
    const { client, userId, calls } = await signedInClient('bearer');
    expect(client.tokens?.accessToken).toMatch(/^bwa_/);
    expect(client.tokens?.refreshToken).toMatch(/^bwr_/);
    expect((await client.auth.me()).user.id).toBe(userId);

    const notes = client.collection('notes');
    const created = await notes.create({ title: 'hello', owner: userId });
    expect(created).toMatchObject({ title: 'hello', owner: userId, id: expect.any(String) });
    expect((await notes.update(created.id, { title: 'changed' })).title).toBe('changed');
    expect((await notes.view(created.id)).title).toBe('changed');
    expect((await notes.list()).items.map((note) => note.id)).toEqual([created.id]);
    await notes.delete(created.id);
    await expect(notes.view(created.id)).rejects.toMatchObject({ code: 'REC_NOT_FOUND', status: 404 });
    // Bearer requests carry no cookie and need no CSRF token.
    expect(calls).not.toContain('GET /api/auth/csrf');
  });

  it('20 concurrent requests with an expired access token make exactly one refresh, and all succeed', async () => {
    const { client, userId, calls, changes } = await signedInClient('race');
    const before = client.tokens;
    await expireAccessTokens(userId);

    const results = await Promise.all(Array.from({ length: 20 }, () => client.auth.me()));

    expect(results.every((result) => result.user.id === userId)).toBe(true);
    expect(calls.filter((call) => call === 'POST /api/auth/refresh')).toHaveLength(1);
    expect(changes.filter((change) => change === 'refreshed')).toHaveLength(1);
    expect(client.tokens?.accessToken).not.toBe(before?.accessToken);
    expect(client.tokens?.refreshToken).not.toBe(before?.refreshToken);
    // The family was rotated once: no replay, so it is still alive on the server.
    expect((await client.auth.listSessions()).filter((s) => s.kind === 'bearer')).toHaveLength(1);
  });

  it('a refresh token replayed elsewhere ends the sign-in: every waiting request fails as signed out', async () => {
    const { client, userId, changes } = await signedInClient('reuse');
    const stolen = client.tokens?.refreshToken as string;
    // An attacker (or a second copy of the tokens) rotates first...
    const rotated = await fetch(`${server.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: stolen }),
    });
    expect(rotated.status).toBe(200);
    // ...so the client's own refresh is a replay, which revokes the whole family.
    await expireAccessTokens(userId);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.auth.me()));

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as BulwarkError;
      expect(error).toBeInstanceOf(BulwarkError);
      expect(error).toMatchObject({ code: 'CLIENT_SIGNED_OUT', status: 401, isSignedOut: true });
    }
    expect(client.tokens).toBeNull();
    expect(changes.at(-1)).toBe('signed-out');
    // The attacker's rotated tokens died with the family.
    const { accessToken } = (await rotated.json()) as { accessToken: string };
    const probe = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(probe.status).toBe(401);
  });

  it('signing out ends the token family on the server, not only in the client', async () => {
    const { client } = await signedInClient('logout');
    const { accessToken, refreshToken } = client.tokens ?? { accessToken: '', refreshToken: '' };
    await client.auth.signOut();
    expect(client.tokens).toBeNull();
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(401);
    const refresh = await fetch(`${server.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });

  it('resumes from stored tokens, refreshing them when they are due', async () => {
    const first = await signedInClient('resume');
    const stored = { ...(first.client.tokens ?? { accessToken: '' }), expiresAtMs: Date.now() - 1 };
    const resumed = bearerClient(server.url, stored);
    expect((await resumed.client.auth.me()).user.id).toBe(first.userId);
    // Due before it left: refreshed first, so no request went out with the stale token.
    expect(resumed.calls).toEqual(['POST /api/auth/refresh', 'GET /api/auth/me']);
  });
});
