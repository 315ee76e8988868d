import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, expect } from 'vitest';
import { cookieFor, issueTokens, signIn } from './auth-client.js';
import { type Account, bearer, newAdmin, newApiKey } from './collections-client.js';
import { createTestApp, type TestApp, useTestApp } from './test-app.js';

/**
 * What the user-administration attack files (test/attacks/user-admin-*.test.ts) share: the
 * administrators' user and session routes, every credential a user can hold and the status each
 * gets at its next request, and the audit rows those routes write. Kept in one place so every
 * file checks "the user's credentials are dead" the same way.
 */

export type Headers = Record<string, string> | undefined;
type Method = 'GET' | 'PATCH' | 'DELETE';

function call(app: TestApp, method: Method, url: string, headers: Headers, payload?: object) {
  return app.http.inject({
    method,
    url,
    ...(headers ? { headers } : {}),
    ...(payload === undefined ? {} : { payload }),
  });
}

export const adminApi = (app: TestApp) => ({
  list: (headers: Headers, query = '') => call(app, 'GET', `/api/admin/users${query}`, headers),
  patch: (headers: Headers, id: string, body: object) => call(app, 'PATCH', `/api/admin/users/${id}`, headers, body),
  remove: (headers: Headers, id: string) => call(app, 'DELETE', `/api/admin/users/${id}`, headers),
  sessions: (headers: Headers, id: string) => call(app, 'GET', `/api/admin/users/${id}/sessions`, headers),
  endSessions: (headers: Headers, id: string) => call(app, 'DELETE', `/api/admin/users/${id}/sessions`, headers),
  endEveryone: (headers: Headers) => call(app, 'DELETE', '/api/admin/sessions', headers),
  sessionsSummary: (headers: Headers) => call(app, 'GET', '/api/admin/sessions/summary', headers),
});

/** Every credential one user can hold: a cookie session, a bearer family and an API key. */
export interface Credentials {
  cookie: string;
  accessToken: string;
  refreshToken: string;
  apiKey: Record<string, string>;
}

export async function credentialsOf(app: TestApp, user: Account): Promise<Credentials> {
  const apiKey = await newApiKey(app, user, ['profile:read']);
  const browser = await signIn(app, user.email);
  const tokens = await issueTokens(app, user.email);
  return { cookie: browser.token, ...tokens, apiKey };
}

/** The status each credential gets at its next request (refresh last: it replaces the access token). */
export async function statusesOf(app: TestApp, credentials: Credentials) {
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

export const ALL_DEAD = { cookie: 401, bearer: 401, apiKey: 401, refresh: 401 };

export async function auditOf(app: TestApp, type: string) {
  const rows = await app.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('type', '=', type)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }));
}

export const expectOk = (response: LightMyRequestResponse, status = 200) =>
  expect(response.statusCode, response.body).toBe(status);

/**
 * Two instances of the server on one database (one SQLite file in one data folder, or one
 * PostgreSQL schema) and one master key, as a deployment behind a load balancer has them.
 */
export async function createTwinApps(): Promise<{ first: TestApp; second: TestApp; close: () => Promise<void> }> {
  const first = await createTestApp({ logLevel: 'silent' });
  const second = await first.secondInstance();
  return {
    first,
    second,
    async close() {
      // The second only stops; the first also removes the data both ran on.
      await second.close();
      await first.close();
    },
  };
}

/**
 * The file's app and an administrator with a second factor on it, made once before the tests;
 * `admin` is filled in by then.
 */
export function useAdminApp() {
  const app = useTestApp({ logLevel: 'silent' });
  const admin = {} as Account;
  beforeAll(async () => {
    Object.assign(admin, await newAdmin(app));
  });
  return { app, admin };
}
