import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/auth-client.js';
import {
  type Account,
  adminApi,
  bearer,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { createTestApp, type RestartableTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Two instances on one database (one PostgreSQL schema, or one SQLite file through two
 * connections), each keeping parsed collection definitions in memory behind the schema version
 * (issue 18): a rule tightened on one instance applies at the very next request on the other,
 * and a credential revoked on one is refused at the very next request on the other, for every
 * kind of caller, while the other instance is serving that collection from its memory.
 */
describe('two instances on one database', () => {
  let first: RestartableTestApp;
  let second: RestartableTestApp;
  let admin: Account;
  let alice: Account;

  beforeAll(async () => {
    first = await createTestApp({ logLevel: 'silent' });
    second = await first.secondInstance();
    await Promise.all([first.http.ready(), second.http.ready()]);
    admin = await newAdmin(first);
    alice = await newUser(first, 'alice');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** The ways one user reaches the records API: bearer token, browser session, API key. */
  const credentialsOf = async (app: TestApp, account: Account) => {
    const session = await signIn(app, account.email);
    const created = await app.http.inject({
      method: 'POST',
      url: '/api/keys',
      headers: account.headers,
      payload: { name: 'records', scopes: ['records:read', 'profile:read'], expiresIn: 86_400 },
    });
    expect(created.statusCode, created.body).toBe(201);
    return {
      bearer: account.headers,
      cookie: { cookie: session.cookie },
      apiKey: bearer(created.json().key as string),
      session,
      apiKeyId: created.json().apiKey.id as string,
    };
  };

  /** A collection of notes with one note of Alice's, listed by anyone. */
  const openNotes = async () => {
    const name = uniqueName('notes');
    await createCollection(first, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: '', view: '' },
    });
    await createRecord(first, name, admin.headers, { owner: alice.id, title: "alice's" });
    return name;
  };

  /**
   * Rewrites the stored rules and puts the schema version back as it was: a change no instance
   * is told of. An instance still answering by the old rules afterwards answers from memory.
   */
  const changeUntold = async (name: string, rules: Record<string, string | null>) => {
    await first.database.db.transaction().execute(async (trx) => {
      const { version } = await trx.selectFrom('schema_version').select('version').executeTakeFirstOrThrow();
      const row = await trx
        .selectFrom('collections')
        .select('definition')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      const definition = JSON.parse(row.definition);
      definition.rules = { ...definition.rules, ...rules };
      await trx
        .updateTable('collections')
        .set({ definition: JSON.stringify(definition) })
        .where('name', '=', name)
        .execute();
      await trx.updateTable('schema_version').set({ version }).execute();
    });
  };

  const totalOn = async (app: TestApp, name: string, headers: Record<string, string> | undefined) => {
    const response = await recordsApi(app, name).list(headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().totalItems as number;
  };

  it('a list rule tightened on one instance applies at the very next request on the other, for every caller', async () => {
    const name = await openNotes();
    const bob = await newUser(first, 'bob');
    const { bearer: bobToken, cookie: bobCookie, apiKey: bobKey } = await credentialsOf(first, bob);
    const callers = { guest: undefined, bobToken, bobCookie, bobKey };

    for (const headers of Object.values(callers)) expect(await totalOn(second, name, headers)).toBe(1);
    // The second instance serves the definition from memory: a change that does not move the
    // schema version (locking the list to administrators) goes unseen there.
    await changeUntold(name, { list: null });
    for (const headers of Object.values(callers)) expect(await totalOn(second, name, headers)).toBe(1);

    const tightened = await adminApi(first).patch(admin.headers, name, {
      rules: { list: 'owner = @request.auth.id', view: 'owner = @request.auth.id' },
    });
    expect(tightened.statusCode, tightened.body).toBe(200);

    for (const [caller, headers] of Object.entries(callers)) {
      expect(await totalOn(second, name, headers), caller).toBe(0);
    }
    expect(await totalOn(second, name, alice.headers)).toBe(1);
  });

  it('a token, session or key revoked on one instance is refused at the very next request on the other', async () => {
    const name = await openNotes();
    const carol = await newUser(first, 'carol');
    const credentials = await credentialsOf(first, carol);
    const me = (headers: Record<string, string>) => second.http.inject({ url: '/api/auth/me', headers });
    for (const headers of [credentials.bearer, credentials.cookie, credentials.apiKey]) {
      expect(await totalOn(second, name, headers)).toBe(1);
      expect((await me(headers)).statusCode).toBe(200);
    }

    const revoked = await first.http.inject({
      method: 'DELETE',
      url: `/api/keys/${credentials.apiKeyId}`,
      headers: credentials.bearer,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expectProblem(await recordsApi(second, name).list(credentials.apiKey), 401, 'AUTH_INVALID_TOKEN');

    const signedOut = await first.http.inject({ method: 'POST', url: '/api/auth/logout', headers: credentials.bearer });
    expect(signedOut.statusCode, signedOut.body).toBe(204);
    expectProblem(await recordsApi(second, name).list(credentials.bearer), 401, 'AUTH_INVALID_TOKEN');

    const cookieOut = await first.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...credentials.cookie, 'x-csrf-token': credentials.session.csrf },
    });
    expect(cookieOut.statusCode, cookieOut.body).toBe(204);
    // A cookie that resolves to nothing is a guest: refused where a signed-in user is needed.
    expectProblem(await me(credentials.cookie), 401);
  });
});
