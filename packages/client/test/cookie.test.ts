import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

const SESSION_COOKIE = '__Host-bulwark_session';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

async function signedInCookieClient(label: string) {
  const made = cookieClient(server.url);
  const email = uniqueEmail(label);
  await made.client.auth.signUp({ email, password: PASSWORD });
  const result = await made.client.auth.signIn({ email, password: PASSWORD });
  expect(result.stage).toBe('signed-in');
  return { ...made, email, userId: result.user?.id as string };
}

describe('cookie mode', () => {
  it('signs in with a session cookie and sends the CSRF token on unsafe requests only', async () => {
    const { client, cookies, calls, userId } = await signedInCookieClient('cookie');
    expect(cookies.get(SESSION_COOKIE)).toBeTruthy();

    const notes = client.collection('notes');
    const note = await notes.create({ title: 'from a browser', owner: userId });
    await notes.update(note.id, { title: 'changed' });
    expect((await notes.list()).items).toHaveLength(1);
    await notes.delete(note.id);

    // One token fetch served the three writes; reads and the sign-in fetched none.
    expect(calls.filter((call) => call === 'GET /api/auth/csrf')).toHaveLength(1);
    expect(calls.indexOf('GET /api/auth/csrf')).toBe(calls.indexOf('POST /api/collections/notes/records') - 1);
  });

  it('the server refuses an unsafe cookie request without the token (what the client supplies)', async () => {
    const { cookies, userId } = await signedInCookieClient('nocsrf');
    const response = await fetch(`${server.url}/api/collections/notes/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${cookies.get(SESSION_COOKIE)}` },
      body: JSON.stringify({ title: 'forged', owner: userId }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('AUTH_CSRF');
  });

  it('after step-up (a new session id) the next write fetches the new token', async () => {
    const { client, calls, userId } = await signedInCookieClient('stepup');
    const notes = client.collection('notes');
    await notes.create({ title: 'before', owner: userId });
    await client.auth.reauthenticate({ password: PASSWORD });
    await notes.create({ title: 'after', owner: userId });

    const csrfFetches = calls.filter((call) => call === 'GET /api/auth/csrf');
    expect(csrfFetches).toHaveLength(2);
    // No write was refused: the client knew the token changed with the session id.
    expect(calls.filter((call) => call === 'POST /api/collections/notes/records')).toHaveLength(2);
  });

  it('a token made stale elsewhere (the session id changed) is replaced once and the write goes through', async () => {
    const { client, cookies, calls, userId } = await signedInCookieClient('stale');
    const notes = client.collection('notes');
    await notes.create({ title: 'first', owner: userId });
    // Another tab of the same browser steps up: same cookie jar, new session id, new token.
    const other = await fetch(`${server.url}/api/auth/reauth`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `${SESSION_COOKIE}=${cookies.get(SESSION_COOKIE)}`,
        'x-csrf-token': await csrfOf(cookies.get(SESSION_COOKIE) as string),
      },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(other.status).toBe(200);
    const renewed = other.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    cookies.set(SESSION_COOKIE, renewed.slice(SESSION_COOKIE.length + 1).split(';')[0] as string);

    await notes.create({ title: 'second', owner: userId });
    expect(calls.filter((call) => call === 'POST /api/collections/notes/records')).toHaveLength(3);
    expect(calls.filter((call) => call === 'GET /api/auth/csrf')).toHaveLength(2);
  });

  it('signing out clears the cookie and ends the session on the server', async () => {
    const { client, cookies } = await signedInCookieClient('logout');
    const session = cookies.get(SESSION_COOKIE) as string;
    await client.auth.signOut();
    expect(cookies.has(SESSION_COOKIE)).toBe(false);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(me.status).toBe(401);
    await expect(client.auth.me()).rejects.toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });
  });
});

async function csrfOf(session: string): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  return ((await response.json()) as { token: string }).token;
}
