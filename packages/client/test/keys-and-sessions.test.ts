import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import {
  bearerClient,
  createNotes,
  type Notes,
  PASSWORD,
  type RunningServer,
  startServer,
  uniqueEmail,
} from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

async function signedIn(label: string) {
  const made = bearerClient(server.url);
  const email = uniqueEmail(label);
  const { user } = await made.client.auth.signUp({ email, password: PASSWORD });
  await made.client.auth.signIn({ email, password: PASSWORD });
  return { ...made, email, userId: user?.id as string };
}

/** Moves the user's sign-ins out of the step-up window, as ten minutes of waiting would. */
async function ageSignIns(userId: string): Promise<void> {
  const { db } = server.app.database;
  await db.updateTable('sessions').set({ reauth_ms: 0, factor_ms: null }).where('user_id', '=', userId).execute();
}

describe('step-up, API keys and sessions', () => {
  it('a key needs a recent step-up; once made, a key client works under its scopes until revoked', async () => {
    const { client, userId } = await signedIn('keys');
    await ageSignIns(userId);
    const input = { name: 'ci', scopes: ['records:read' as const], expiresInSeconds: 3600 };
    await expect(client.apiKeys.create(input)).rejects.toMatchObject({ code: 'AUTH_STEP_UP_REQUIRED', status: 403 });

    const { reauthenticatedUntil } = await client.auth.reauthenticate({ password: PASSWORD });
    expect(Date.parse(reauthenticatedUntil)).toBeGreaterThan(Date.now());
    const created = await client.apiKeys.create(input);
    expect(created.key).toMatch(/^bwk_/);
    expect((await client.apiKeys.list()).map((key) => key.id)).toEqual([created.apiKey.id]);

    const script = createClient<Notes>({ url: server.url, auth: { mode: 'apiKey', key: created.key } });
    expect((await script.collection('notes').list()).items).toEqual([]);
    await expect(script.collection('notes').create({ title: 'x', owner: userId })).rejects.toMatchObject({
      code: 'AUTH_FORBIDDEN',
    });

    await client.apiKeys.revoke(created.apiKey.id);
    // A key is never refreshed: its refusal comes back as the server's own error.
    await expect(script.collection('notes').list()).rejects.toMatchObject({ code: 'AUTH_INVALID_TOKEN', status: 401 });
  });

  it('rotating a key returns a new one', async () => {
    const { client } = await signedIn('rotate');
    const created = await client.apiKeys.create({ name: 'r', scopes: ['records:read'], expiresInSeconds: 3600 });
    const rotated = await client.apiKeys.rotate(created.apiKey.id);
    expect(rotated.key).not.toBe(created.key);
    expect(rotated.apiKey.rotatedFrom).toBe(created.apiKey.id);
  });

  it('lists my sessions and ends another one after a step-up', async () => {
    const { client, email, userId } = await signedIn('sessions');
    const other = bearerClient(server.url).client;
    await other.auth.signIn({ email, password: PASSWORD });

    const sessions = await client.auth.listSessions();
    expect(sessions).toHaveLength(2);
    const otherSession = sessions.find((session) => !session.current);
    expect(otherSession).toBeDefined();

    await ageSignIns(userId);
    await expect(client.auth.revokeSession(otherSession?.id as string)).rejects.toMatchObject({
      code: 'AUTH_STEP_UP_REQUIRED',
    });
    await client.auth.reauthenticate({ password: PASSWORD });
    await client.auth.revokeSession(otherSession?.id as string);
    // The other client's access token died with its family, and so did its refresh token.
    await expect(other.auth.me()).rejects.toMatchObject({ code: 'CLIENT_SIGNED_OUT' });
    expect(await client.auth.listSessions()).toHaveLength(1);
  });
});
