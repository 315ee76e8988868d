import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { cookieFor, issueTokens, sessionTokenFrom, signIn, uniqueEmail } from '../helpers/auth-client.js';
import {
  type Account,
  bearer,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  PASSWORD,
} from '../helpers/collections-client.js';
import { enrolTotp, injectSend } from '../helpers/mfa-client.js';
import {
  createSchema,
  createTestApp,
  LogCapture,
  TEST_ENV,
  type TestApp,
  testDialect,
  useTestApp,
} from '../helpers/test-app.js';

/**
 * Users for administrators (ASVS V7.4.2, V7.4.5, V7.1.2): every route is closed to guests and
 * non-administrators; disabling, deleting, demoting or promoting a user, or revoking its
 * sessions, ends its cookie sessions, bearer token families and API keys at the next request,
 * on every instance; the last administrator cannot be removed; the per-user cap evicts.
 */

type Headers = Record<string, string> | undefined;
type Method = 'GET' | 'PATCH' | 'DELETE';

function call(app: TestApp, method: Method, url: string, headers: Headers, payload?: object) {
  return app.http.inject({
    method,
    url,
    ...(headers ? { headers } : {}),
    ...(payload === undefined ? {} : { payload }),
  });
}

const adminApi = (app: TestApp) => ({
  list: (headers: Headers, query = '') => call(app, 'GET', `/api/admin/users${query}`, headers),
  patch: (headers: Headers, id: string, body: object) => call(app, 'PATCH', `/api/admin/users/${id}`, headers, body),
  remove: (headers: Headers, id: string) => call(app, 'DELETE', `/api/admin/users/${id}`, headers),
  sessions: (headers: Headers, id: string) => call(app, 'GET', `/api/admin/users/${id}/sessions`, headers),
  endSessions: (headers: Headers, id: string) => call(app, 'DELETE', `/api/admin/users/${id}/sessions`, headers),
  endEveryone: (headers: Headers) => call(app, 'DELETE', '/api/admin/sessions', headers),
});

/** Every credential one user can hold: a cookie session, a bearer family and an API key. */
interface Credentials {
  cookie: string;
  accessToken: string;
  refreshToken: string;
  apiKey: Record<string, string>;
}

async function credentialsOf(app: TestApp, user: Account): Promise<Credentials> {
  const apiKey = await newApiKey(app, user, ['profile:read']);
  const browser = await signIn(app, user.email);
  const tokens = await issueTokens(app, user.email);
  return { cookie: browser.token, ...tokens, apiKey };
}

/** The status each credential gets at its next request (refresh last: it replaces the access token). */
async function statusesOf(app: TestApp, credentials: Credentials) {
  const me = async (headers: Record<string, string>) =>
    (await app.http.inject({ url: '/api/auth/me', headers })).statusCode;
  const cookie = await me({ cookie: cookieFor(credentials.cookie) });
  const bearerStatus = await me(bearer(credentials.accessToken));
  const apiKey = await me(credentials.apiKey);
  const refresh = await app.http.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    payload: { refreshToken: credentials.refreshToken },
  });
  if (refresh.statusCode === 200) {
    credentials.accessToken = refresh.json().accessToken;
    credentials.refreshToken = refresh.json().refreshToken;
  }
  return { cookie, bearer: bearerStatus, apiKey, refresh: refresh.statusCode };
}

const ALL_DEAD = { cookie: 401, bearer: 401, apiKey: 401, refresh: 401 };

async function auditOf(app: TestApp, type: string) {
  const rows = await app.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('type', '=', type)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }));
}

const expectOk = (response: LightMyRequestResponse, status = 200) =>
  expect(response.statusCode, response.body).toBe(status);

/**
 * Two instances of the server on one database (one SQLite file in one data folder, or one
 * PostgreSQL schema) and one master key, as a deployment behind a load balancer has them.
 */
async function createTwinApps(): Promise<{ first: TestApp; second: TestApp; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-twins-'));
  const postgres = testDialect() === 'postgres' ? await createSchema() : undefined;
  const make = async (): Promise<TestApp> => {
    const config = loadConfig({
      env: {
        ...TEST_ENV,
        BULWARK_LOG_LEVEL: 'silent',
        BULWARK_DATA_DIR: dataDir,
        ...(postgres ? { BULWARK_DATABASE_URL: postgres.url } : {}),
      },
      cwd: dataDir,
    });
    const logs = new LogCapture();
    const app = await createApp({ config, logStream: logs, ...(postgres ? { postgresSchema: postgres.schema } : {}) });
    return Object.assign(app, { logs, dataDir, close: () => app.stop('test finished') });
  };
  const first = await make();
  const second = await make();
  return {
    first,
    second,
    async close() {
      await first.close();
      await second.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let admin: Account;
const app = useTestApp({ logLevel: 'silent' });
beforeAll(async () => {
  admin = await newAdmin(app);
});

describe('who may manage users', () => {
  it('guests get 401 and non-administrators (and their keys) 403 on every route', async () => {
    const user = await newUser(app);
    const target = await newUser(app, 'target');
    const userKey = await newApiKey(app, user, ['profile:read']);
    const api = adminApi(app);
    const everyRoute = (headers: Headers) => [
      api.list(headers),
      api.patch(headers, target.id, { disabled: true }),
      api.remove(headers, target.id),
      api.sessions(headers, target.id),
      api.endSessions(headers, target.id),
      api.endEveryone(headers),
    ];
    for (const response of await Promise.all(everyRoute(undefined))) expectProblem(response, 401, 'AUTH_REQUIRED');
    for (const response of await Promise.all(everyRoute(user.headers))) expectProblem(response, 403, 'AUTH_FORBIDDEN');
    for (const response of await Promise.all(everyRoute(userKey))) expectProblem(response, 403, 'AUTH_FORBIDDEN');
    // The target is untouched and still signed in.
    expectOk(await app.http.inject({ url: '/api/auth/me', headers: target.headers }));
  });

  it('an administrator key without the admin scope is refused; changes need a recent sign-in', async () => {
    const target = await newUser(app, 'target');
    const narrowKey = await newApiKey(app, admin, ['profile:read']);
    expectProblem(await adminApi(app).list(narrowKey), 403, 'AUTH_FORBIDDEN');

    const stale = await newAdmin(app);
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: 0, factor_ms: 0 })
      .where('user_id', '=', stale.id)
      .execute();
    expectOk(await adminApi(app).list(stale.headers));
    expectProblem(
      await adminApi(app).patch(stale.headers, target.id, { disabled: true }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
    expectProblem(await adminApi(app).endEveryone(stale.headers), 403, 'AUTH_STEP_UP_REQUIRED');
  });
});

describe('GET /api/admin/users', () => {
  it('pages users without any secret and filters by a case-insensitive, literal email prefix', async () => {
    const prefix = `list${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) await newUser(app, `${prefix}_${i}`);
    const page = await adminApi(app).list(admin.headers, `?email=${prefix.toUpperCase()}&perPage=2`);
    expectOk(page);
    const body = page.json();
    expect(body).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(body.items).toHaveLength(2);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ['created', 'disabled', 'email', 'id', 'mfaEnrolled', 'name', 'role', 'verified'].sort(),
    );
    expect(body.items[0]).toMatchObject({ role: 'user', disabled: false, mfaEnrolled: false });
    const second = (await adminApi(app).list(admin.headers, `?email=${prefix}&perPage=2&page=2`)).json();
    expect(second.items).toHaveLength(1);

    const all = await adminApi(app).list(admin.headers, '?perPage=200');
    expect(all.body).not.toMatch(/password|hash|\$argon2/i);
    const me = all.json().items.find((u: { id: string }) => u.id === admin.id);
    expect(me).toMatchObject({ role: 'admin', mfaEnrolled: true });

    // LIKE wildcards in the filter are literal characters, and quotes are just text.
    for (const wildcard of ['%', '_', "' OR 1=1 --"]) {
      const response = await adminApi(app).list(admin.headers, `?email=${encodeURIComponent(wildcard)}`);
      expectOk(response);
      expect(response.json().totalItems).toBe(0);
    }
    expectProblem(await adminApi(app).list(admin.headers, '?perPage=201'), 400, 'HTTP_VALIDATION');
    expectProblem(await adminApi(app).list(admin.headers, '?page=0'), 400, 'HTTP_VALIDATION');
    expectProblem(await adminApi(app).list(admin.headers, '?role=admin'), 400, 'HTTP_VALIDATION');
  });
});

describe('disabling a user', () => {
  it('ends its cookie session, bearer tokens, refresh family and API keys on every instance; re-enabling revives none', async () => {
    const twins = await createTwinApps();
    try {
      const { first, second } = twins;
      const boss = await newAdmin(second);
      const user = await newUser(first, 'disabled');
      const credentials = await credentialsOf(first, user);
      expect(await statusesOf(second, credentials)).toEqual({ cookie: 200, bearer: 200, apiKey: 200, refresh: 200 });
      const fresh = await credentialsOf(first, user);

      const disabled = await adminApi(second).patch(boss.headers, user.id, { disabled: true });
      expectOk(disabled);
      expect(disabled.json()).toMatchObject({ id: user.id, disabled: true });
      // The instance that issued them and the one that disabled the user both refuse them at once.
      expect(await statusesOf(first, fresh)).toEqual(ALL_DEAD);
      expect(await statusesOf(second, credentials)).toEqual(ALL_DEAD);
      expect(
        await first.database.db.selectFrom('sessions').where('user_id', '=', user.id).selectAll().execute(),
      ).toEqual([]);
      const keys = await first.database.db.selectFrom('api_keys').where('user_id', '=', user.id).selectAll().execute();
      expect(keys.every((key) => key.revoked_ms !== null)).toBe(true);
      // A disabled user cannot sign in again either.
      const refused = await first.http.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { email: user.email, password: PASSWORD },
      });
      expect(refused.statusCode).toBe(401);

      expectOk(await adminApi(first).patch(boss.headers, user.id, { disabled: false }));
      expect(await statusesOf(second, fresh)).toEqual(ALL_DEAD);
      expect(await statusesOf(first, credentials)).toEqual(ALL_DEAD);
      const again = await issueTokens(first, user.email);
      expectOk(await second.http.inject({ url: '/api/auth/me', headers: bearer(again.accessToken) }));

      const events = await auditOf(second, 'admin.user.update');
      expect(events).toEqual([
        {
          actor: boss.id,
          details: expect.objectContaining({
            userId: user.id,
            email: user.email,
            disabled: { from: false, to: true },
            // newUser's sign-in, then a cookie session and a bearer family twice over.
            sessionsEnded: 5,
            keysRevoked: 2,
          }),
        },
        { actor: boss.id, details: expect.objectContaining({ userId: user.id, disabled: { from: true, to: false } }) },
      ]);
    } finally {
      await twins.close();
    }
  });
});

describe('changing a role', () => {
  it('ends the user’s sessions both ways; a promoted user must enrol a factor before admin routes answer', async () => {
    const user = await newUser(app, 'promoted');
    const credentials = await credentialsOf(app, user);
    const promoted = await adminApi(app).patch(admin.headers, user.id, { role: 'admin' });
    expectOk(promoted);
    expect(promoted.json()).toMatchObject({ role: 'admin', disabled: false });
    // A privilege change ends every credential made before it, keys included: a key made by a
    // user must not start acting with an administrator's reach (rules do not bind admins).
    expect(await statusesOf(app, credentials)).toEqual({ cookie: 401, bearer: 401, refresh: 401, apiKey: 401 });

    const signedIn = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(signedIn.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    expectProblem(await adminApi(app).list(bearer(signedIn.json().accessToken)), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');

    expectOk(await adminApi(app).patch(admin.headers, user.id, { role: 'user' }));
    const enrolOnly = await app.http.inject({ url: '/api/auth/me', headers: bearer(signedIn.json().accessToken) });
    expect(enrolOnly.statusCode).toBe(401);
    const events = (await auditOf(app, 'admin.user.update')).filter((event) => event.details.userId === user.id);
    expect(events.map((event) => event.details.role)).toEqual([
      { from: 'user', to: 'admin' },
      { from: 'admin', to: 'user' },
    ]);
  });

  it('a change to the same value ends nothing; a strict body refuses anything else', async () => {
    const user = await newUser(app, 'same');
    expectOk(await adminApi(app).patch(admin.headers, user.id, { role: 'user', disabled: false }));
    expectOk(await app.http.inject({ url: '/api/auth/me', headers: user.headers }));
    for (const body of [{}, { email: 'x@example.com' }, { role: 'owner' }, { verified: true }, { disabled: 'yes' }]) {
      expectProblem(await adminApi(app).patch(admin.headers, user.id, body), 400);
    }
    expectProblem(
      await adminApi(app).patch(admin.headers, 'no-such-user', { disabled: true }),
      404,
      'ADMIN_USER_NOT_FOUND',
    );
  });
});

describe('the last administrator', () => {
  it('an administrator cannot disable, demote or delete themselves', async () => {
    const self = await newAdmin(app);
    expectProblem(await adminApi(app).patch(self.headers, self.id, { role: 'user' }), 409, 'ADMIN_SELF_CHANGE');
    expectProblem(await adminApi(app).patch(self.headers, self.id, { disabled: true }), 409, 'ADMIN_SELF_CHANGE');
    expectProblem(await adminApi(app).remove(self.headers, self.id), 409, 'ADMIN_SELF_CHANGE');
    const key = await newApiKey(app, self, ['admin']);
    expectProblem(await adminApi(app).patch(key, self.id, { role: 'user' }), 409, 'ADMIN_SELF_CHANGE');
    // Harmless self-changes pass.
    expectOk(await adminApi(app).patch(self.headers, self.id, { role: 'admin', disabled: false }));
    expectOk(await app.http.inject({ url: '/api/auth/me', headers: self.headers }));
  });

  it('two administrators removing each other at once leave one; the repository refuses the last', async () => {
    const alone = await createTestApp({ logLevel: 'silent' });
    try {
      const a = await newAdmin(alone);
      const b = await newAdmin(alone);
      const [ab, ba] = await Promise.all([
        adminApi(alone).patch(a.headers, b.id, { disabled: true }),
        adminApi(alone).patch(b.headers, a.id, { role: 'user' }),
      ]);
      const statuses = [ab.statusCode, ba.statusCode];
      expect(
        statuses.filter((status) => status === 200),
        `${ab.body} ${ba.body}`,
      ).toHaveLength(1);
      expect(statuses.every((status) => [200, 401, 403, 409].includes(status))).toBe(true);
      expect(await activeAdmins(alone)).toBe(1);

      const [survivor] = await alone.database.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .execute();
      const id = survivor?.id as string;
      for (const change of [{ role: 'user' as const }, { disabled: true }, 'delete' as const]) {
        expect(await alone.auth.accounts.users.applyAdminChange(id, change, Date.now())).toEqual({
          ok: false,
          reason: 'last-admin',
        });
      }
      expect(await activeAdmins(alone)).toBe(1);

      // The same race without HTTP in between, many times: two active administrators, each
      // change removing one of them at the same moment; exactly one change passes each time.
      const users = alone.auth.accounts.users;
      let current = id;
      for (let round = 0; round < 10; round++) {
        const other = await newUser(alone, `promoted${round}`);
        expect((await users.applyAdminChange(other.id, { role: 'admin' }, Date.now())).ok).toBe(true);
        const [first, second] = round % 2 === 0 ? [current, other.id] : [other.id, current];
        const results = await Promise.all([
          users.applyAdminChange(first, { role: 'user' }, Date.now()),
          users.applyAdminChange(second, round % 3 === 0 ? 'delete' : { disabled: true }, Date.now()),
        ]);
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'last-admin' }]);
        const remaining = await alone.database.db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .execute();
        expect(remaining).toHaveLength(1);
        current = remaining[0]?.id as string;
      }
    } finally {
      await alone.close();
    }
  });
});

async function activeAdmins(target: TestApp): Promise<number> {
  const rows = await target.database.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .execute();
  return rows.length;
}

describe('deleting a user', () => {
  it('removes the user with its sessions, tokens, keys and factors; its credentials fail at once', async () => {
    const user = await newUser(app, 'deleted');
    const credentials = await credentialsOf(app, user);
    expectOk(await adminApi(app).remove(admin.headers, user.id), 204);
    expect(await statusesOf(app, credentials)).toEqual(ALL_DEAD);
    const db = app.database.db;
    expect(await db.selectFrom('users').where('id', '=', user.id).selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('sessions').where('user_id', '=', user.id).selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('api_keys').where('user_id', '=', user.id).selectAll().execute()).toEqual([]);
    expectProblem(await adminApi(app).remove(admin.headers, user.id), 404, 'ADMIN_USER_NOT_FOUND');
    expectProblem(await adminApi(app).sessions(admin.headers, user.id), 404, 'ADMIN_USER_NOT_FOUND');
    // The address is free again.
    expectOk(
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: user.email, password: PASSWORD },
      }),
      201,
    );
    const [event] = (await auditOf(app, 'admin.user.delete')).filter((e) => e.details.userId === user.id);
    expect(event).toEqual({ actor: admin.id, details: { userId: user.id, email: user.email, role: 'user' } });
  });

  it('deleting an administrator ends its admin sessions', async () => {
    const other = await newAdmin(app);
    expectOk(await adminApi(app).remove(admin.headers, other.id), 204);
    expectProblem(await adminApi(app).list(other.headers), 401, 'AUTH_INVALID_TOKEN');
  });
});

describe("one user's sessions", () => {
  it('lists them without secrets and ends them all, with the user’s API keys', async () => {
    const user = await newUser(app, 'sessions');
    const credentials = await credentialsOf(app, user);
    const listed = await adminApi(app).sessions(admin.headers, user.id);
    expectOk(listed);
    const items = listed.json().items as Array<Record<string, unknown>>;
    expect(items.map((item) => item.kind).sort()).toEqual(['bearer', 'bearer', 'cookie']);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      ['created', 'expires', 'id', 'ip', 'kind', 'lastSeen', 'userAgent'].sort(),
    );
    expect(listed.body).not.toContain(credentials.cookie);

    expectOk(await adminApi(app).endSessions(admin.headers, user.id), 204);
    expect(await statusesOf(app, credentials)).toEqual(ALL_DEAD);
    expect((await adminApi(app).sessions(admin.headers, user.id)).json().items).toEqual([]);
    expectProblem(await adminApi(app).endSessions(admin.headers, 'nobody'), 404, 'ADMIN_USER_NOT_FOUND');
    // The user can sign in again: revoking is not disabling.
    await issueTokens(app, user.email);
    const [event] = (await auditOf(app, 'admin.user.sessions.revoke')).filter((e) => e.details.userId === user.id);
    expect(event).toEqual({
      actor: admin.id,
      details: { userId: user.id, email: user.email, sessionsEnded: 3, keysRevoked: 1 },
    });
  });
});

describe('DELETE /api/admin/sessions', () => {
  it("ends everyone's sessions and token families, the caller's own included", async () => {
    const incident = await createTestApp({ logLevel: 'silent' });
    try {
      const boss = await newAdmin(incident);
      const users = [await newUser(incident, 'a'), await newUser(incident, 'b')];
      const credentials = await Promise.all(users.map((user) => credentialsOf(incident, user)));
      const browserAdmin = await signIn(incident, boss.email);
      expect(browserAdmin).toBeTruthy();

      expectOk(await adminApi(incident).endEveryone(boss.headers), 204);
      for (const each of credentials) {
        // API keys are not sessions: they stay until revoked per user or by disabling.
        expect(await statusesOf(incident, each)).toEqual({ ...ALL_DEAD, apiKey: 200 });
      }
      expectProblem(await adminApi(incident).list(boss.headers), 401, 'AUTH_INVALID_TOKEN');
      expect(await incident.database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
      expect(await incident.database.db.selectFrom('access_tokens').selectAll().execute()).toEqual([]);
      expect(await incident.database.db.selectFrom('refresh_tokens').selectAll().execute()).toEqual([]);
      const [event] = await auditOf(incident, 'admin.sessions.revoke_all');
      expect(event?.actor).toBe(boss.id);
      expect(event?.details.sessionsEnded).toBeGreaterThanOrEqual(7);
    } finally {
      await incident.close();
    }
  });

  it('a browser administrator gets its cookie cleared', async () => {
    const incident = await createTestApp({ logLevel: 'silent' });
    try {
      // An administrator enrolled with a bearer sign-in, then signed in with a browser session:
      // password, then the second factor (a recovery code), as a person would.
      const email = uniqueEmail('browser-admin');
      await incident.auth.accounts.createAdmin(email, PASSWORD);
      const enrolOnly = (await issueTokens(incident, email)).accessToken;
      const send = injectSend(incident);
      const { recoveryCodes } = await enrolTotp(send, bearer(enrolOnly));
      const password = await incident.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: PASSWORD },
      });
      const pending = sessionTokenFrom(password) as string;
      const pendingCsrf = (
        await incident.http.inject({ url: '/api/auth/csrf', headers: { cookie: cookieFor(pending) } })
      ).json().token as string;
      const verified = await incident.http.inject({
        method: 'POST',
        url: '/api/auth/mfa/verify',
        headers: { cookie: cookieFor(pending), 'x-csrf-token': pendingCsrf },
        payload: { code: recoveryCodes[0] },
      });
      expectOk(verified);
      const token = sessionTokenFrom(verified) as string;
      const csrf = (await incident.http.inject({ url: '/api/auth/csrf', headers: { cookie: cookieFor(token) } })).json()
        .token as string;
      const ended = await adminApi(incident).endEveryone({ cookie: cookieFor(token), 'x-csrf-token': csrf });
      expectOk(ended, 204);
      expect(String(ended.headers['set-cookie'])).toMatch(/__Host-bulwark_session=;.*Expires=Thu, 01 Jan 1970/);
      expect(
        (await incident.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token) } })).statusCode,
      ).toBe(401);
    } finally {
      await incident.close();
    }
  });
});

describe('per-user session cap', () => {
  it('a new sign-in beyond the cap ends the least recently used one', async () => {
    const capped = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_MAX_SESSIONS_PER_USER: '3' } });
    try {
      const user = await newUser(capped, 'capped');
      const tokens = [user.accessToken];
      for (let i = 0; i < 3; i++) {
        // Distinct sign-in times, so "oldest" is well defined.
        await new Promise((resolve) => setTimeout(resolve, 5));
        tokens.push((await issueTokens(capped, user.email)).accessToken);
      }
      const statuses = [];
      for (const token of tokens) {
        statuses.push((await capped.http.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode);
      }
      expect(statuses).toEqual([401, 200, 200, 200]);
      const count = await capped.database.db
        .selectFrom('sessions')
        .where('user_id', '=', user.id)
        .selectAll()
        .execute();
      expect(count).toHaveLength(3);
    } finally {
      await capped.close();
    }
  });

  it('sign-ins still owing a second factor do not push out full ones', async () => {
    const capped = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_MAX_SESSIONS_PER_USER: '2' } });
    try {
      const boss = await newAdmin(capped);
      for (let i = 0; i < 4; i++) {
        // The password alone: a sign-in that owes its second factor.
        const pending = await capped.http.inject({
          method: 'POST',
          url: '/api/auth/token',
          payload: { email: boss.email, password: PASSWORD },
        });
        expect(pending.json().mfaRequired).toBe(true);
      }
      expectOk(await capped.http.inject({ url: '/api/auth/me', headers: boss.headers }));
      const rows = await capped.database.db
        .selectFrom('sessions')
        .select(['stage'])
        .where('user_id', '=', boss.id)
        .execute();
      expect(rows.filter((row) => row.stage === 'full')).toHaveLength(1);
      expect(rows.filter((row) => row.stage !== 'full')).toHaveLength(2);
    } finally {
      await capped.close();
    }
  });
});
