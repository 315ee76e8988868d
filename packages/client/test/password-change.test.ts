import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearerClient,
  cookieClient,
  createNotes,
  PASSWORD,
  type RunningServer,
  startServer,
  uniqueEmail,
} from './server.js';

const NEW_PASSWORD = 'a different horse, battery and staple 43';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

/** An account with a cookie sign-in and a bearer sign-in (two devices of one person). */
async function twoDevices(label: string) {
  const email = uniqueEmail(label);
  const browser = cookieClient(server.url);
  const app = bearerClient(server.url);
  await browser.client.auth.signUp({ email, password: PASSWORD });
  const { user } = await browser.client.auth.signIn({ email, password: PASSWORD });
  expect(await app.client.auth.signIn({ email, password: PASSWORD })).toEqual({ stage: 'signed-in' });
  return { email, userId: user?.id as string, browser, app };
}

/** What a fresh sign-in with `password` comes to: its stage, or the refusal's code. */
async function freshSignIn(email: string, password: string): Promise<string> {
  const { client } = bearerClient(server.url);
  return client.auth.signIn({ email, password }).then(
    (result) => result.stage,
    (error: { code: string }) => error.code,
  );
}

/** Ends the user's access tokens on the server, so the next request must refresh. */
async function expireAccessTokens(userId: string): Promise<void> {
  const { db } = server.app.database;
  const sessions = db.selectFrom('sessions').select('id').where('user_id', '=', userId);
  await db
    .updateTable('access_tokens')
    .set({ expires_ms: Date.now() - 1000 })
    .where('session_id', 'in', sessions)
    .execute();
}

describe('auth.changePassword', () => {
  it('cookie mode: the old password is refused, the new one works, this browser stays signed in, the other device is signed out', async () => {
    const { email, userId, browser, app } = await twoDevices('change-cookie');

    await browser.client.auth.changePassword(PASSWORD, NEW_PASSWORD);

    expect(await freshSignIn(email, PASSWORD)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await freshSignIn(email, NEW_PASSWORD)).toBe('signed-in');
    // This browser's session goes on, and writes under a CSRF token fetched anew.
    expect((await browser.client.auth.me()).user.email).toBe(email);
    const note = await browser.client.collection('notes').create({ title: 'after the change', owner: userId });
    expect(note.title).toBe('after the change');
    expect(browser.calls.slice(browser.calls.indexOf('POST /api/auth/password/change'))).toEqual([
      'POST /api/auth/password/change',
      'GET /api/auth/me',
      'GET /api/auth/csrf',
      'POST /api/collections/notes/records',
    ]);
    // Every other sign-in ended: the bearer device's refresh is refused and it is signed out.
    await expect(app.client.auth.me()).rejects.toMatchObject({ code: 'CLIENT_SIGNED_OUT' });
    expect(app.client.tokens).toBeNull();
    expect(app.changes.at(-1)).toBe('signed-out');
  });

  it('bearer mode: this client keeps its tokens and their refresh; the browser session ends', async () => {
    const { email, userId, browser, app } = await twoDevices('change-bearer');
    const before = app.client.tokens;

    await app.client.auth.changePassword(PASSWORD, NEW_PASSWORD);

    expect(app.client.tokens).toEqual(before);
    expect(await freshSignIn(email, PASSWORD)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await freshSignIn(email, NEW_PASSWORD)).toBe('signed-in');
    await expireAccessTokens(userId);
    expect((await app.client.auth.me()).user.email).toBe(email);
    expect(app.changes.filter((change) => change === 'refreshed')).toHaveLength(1);
    await expect(browser.client.auth.me()).rejects.toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });
  });

  it('a wrong current password changes nothing', async () => {
    const { email, app } = await twoDevices('change-wrong');
    await expect(app.client.auth.changePassword('not the password at all', NEW_PASSWORD)).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
    });
    expect(await freshSignIn(email, NEW_PASSWORD)).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await freshSignIn(email, PASSWORD)).toBe('signed-in');
    expect((await app.client.auth.me()).user.email).toBe(email);
  });
});
