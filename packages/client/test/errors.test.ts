import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulwarkError, createClient } from '../src/index.js';
import { bearerClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

/** The rejection of `promise`, which must be a BulwarkError. */
async function refusal(promise: Promise<unknown>): Promise<BulwarkError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BulwarkError);
  return error as BulwarkError;
}

describe('errors', () => {
  it('a wrong password is one typed error with the problem document’s fields', async () => {
    const { client } = bearerClient(server.url);
    const error = await refusal(client.auth.signIn({ email: uniqueEmail('nobody'), password: PASSWORD }));
    expect(error).toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
      title: expect.any(String),
      type: expect.stringMatching(/^https:\/\/bulwark\.dev\/problems\//),
      requestId: expect.any(String),
    });
    expect(error.message).toContain(error.title);
  });

  it('validation errors name the fields', async () => {
    const { client } = bearerClient(server.url);
    const error = await refusal(client.auth.signUp({ email: uniqueEmail('weak'), password: 'password' }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('AUTH_WEAK_PASSWORD');

    const email = uniqueEmail('fields');
    await client.auth.signUp({ email, password: PASSWORD });
    await client.auth.signIn({ email, password: PASSWORD });
    const me = await client.auth.me();
    // An unknown field is refused (no mass assignment), and `errors[]` says which.
    const bad = await refusal(
      client
        .collection('notes')
        .create({ title: 'x', owner: me.user.id, extra: 1 } as { title: string; owner: string }),
    );
    expect(bad).toMatchObject({ status: 400 });
    expect(bad.errors.map((entry) => entry.field)).toContain('extra');
  });

  it('a guest refused by a create rule gets the server’s code, not a client guess', async () => {
    const guest = createClient({ url: server.url, auth: { mode: 'bearer' } });
    const error = await refusal(guest.collection('notes').create({ title: 'x', owner: 'nobody' }));
    expect(error).toMatchObject({ status: 403, code: 'REC_FORBIDDEN' });
  });

  it('no answer is CLIENT_NETWORK; an answer that is not Bulwark’s is CLIENT_BAD_RESPONSE', async () => {
    const unreachable = createClient({
      url: server.url,
      auth: { mode: 'bearer' },
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect(await refusal(unreachable.auth.me())).toMatchObject({ code: 'CLIENT_NETWORK', status: 0 });

    const proxy = createClient({
      url: server.url,
      auth: { mode: 'bearer' },
      fetch: async () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'retry-after': '7' } }),
    });
    expect(await refusal(proxy.auth.me())).toMatchObject({
      code: 'CLIENT_BAD_RESPONSE',
      status: 502,
      retryAfterSeconds: 7,
    });
  });
});
