import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { enrolTotp, freshTotpCode, injectSend } from './mfa-client.js';
import type { TestApp } from './test-app.js';

/** Passes the password policy; every account of these tests uses it. */
export const PASSWORD = 'correct horse battery staple 42';

export interface Account {
  id: string;
  email: string;
  accessToken: string;
  /** `Authorization: Bearer …` for inject. */
  headers: Record<string, string>;
}

export interface FieldInput {
  name: string;
  type: string;
  required?: boolean;
  unique?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  values?: string[];
  collection?: string;
  hidden?: boolean;
  clientWritable?: boolean;
  encrypted?: boolean;
  /** `file` fields: how many files, the largest one, and the types accepted (read from the bytes). */
  maxSelect?: number;
  maxSizeBytes?: number;
  types?: string[];
}

export type Rules = Partial<Record<'list' | 'view' | 'create' | 'update' | 'delete', string | null>>;

export interface CollectionInput {
  name: string;
  fields: FieldInput[];
  rules?: Rules;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;
/** A collection name unique within a test file's app (collections share one app per file). */
export const uniqueName = (label: string) => `${label}_${randomBytes(3).toString('hex')}`;

async function tokenFor(app: TestApp, email: string, code?: string): Promise<string> {
  const response = await app.http.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { email, password: PASSWORD, ...(code ? { code } : {}) },
  });
  if (response.statusCode !== 200) throw new Error(`token ${email}: ${response.statusCode} ${response.body}`);
  return response.json().accessToken;
}

/**
 * An administrator signed in just now, so admin writes pass the recent sign-in check. Like a
 * real one, it enrols TOTP at its first sign-in (the default policy) and signs in with a code.
 */
export async function newAdmin(app: TestApp): Promise<Account & { totpSecret: string }> {
  const email = uniqueEmail('admin');
  const created = await app.auth.accounts.createAdmin(email, PASSWORD);
  const enrolOnly = await tokenFor(app, email);
  const { secret, confirmCode } = await enrolTotp(injectSend(app), bearer(enrolOnly));
  const accessToken = await tokenFor(app, email, freshTotpCode(secret, new Set([confirmCode])));
  return { id: created.id, email, accessToken, headers: bearer(accessToken), totpSecret: secret };
}

/** A registered user with a bearer access token. */
export async function newUser(app: TestApp, label = 'user'): Promise<Account> {
  const email = uniqueEmail(label);
  const registered = await app.http.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: PASSWORD },
  });
  if (registered.statusCode !== 201) throw new Error(`register: ${registered.statusCode} ${registered.body}`);
  const accessToken = await tokenFor(app, email);
  return { id: registered.json().user.id, email, accessToken, headers: bearer(accessToken) };
}

/** An API key of `owner` with the given scopes. */
export async function newApiKey(app: TestApp, owner: Account, scopes: string[]): Promise<Record<string, string>> {
  const response = await app.http.inject({
    method: 'POST',
    url: '/api/keys',
    headers: owner.headers,
    payload: { name: 'records', scopes, expiresIn: 86_400 },
  });
  if (response.statusCode !== 201) throw new Error(`api key: ${response.statusCode} ${response.body}`);
  return bearer(response.json().key);
}

type Headers = Record<string, string> | undefined;
type Payload = Exclude<InjectOptions['payload'], undefined>;

/** One injected request; undefined headers mean a guest, undefined payload no body. */
function send(
  app: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Headers,
  payload?: unknown,
  query?: Record<string, string>,
): Promise<LightMyRequestResponse> {
  const options: InjectOptions = { method, url };
  if (headers) options.headers = headers;
  if (payload !== undefined) options.payload = payload as Payload;
  if (query) options.query = query;
  return app.http.inject(options);
}

export const adminApi = (app: TestApp) => ({
  create: (headers: Headers, payload: unknown) => send(app, 'POST', '/api/admin/collections', headers, payload),
  patch: (headers: Headers, name: string, payload: unknown) =>
    send(app, 'PATCH', `/api/admin/collections/${name}`, headers, payload),
  remove: (headers: Headers, name: string, confirm = false) =>
    send(app, 'DELETE', `/api/admin/collections/${name}${confirm ? '?confirmDataLoss=true' : ''}`, headers),
  get: (headers: Headers, name?: string) =>
    send(app, 'GET', `/api/admin/collections${name ? `/${name}` : ''}`, headers),
});

/** Creates a collection as `admin`, expecting 201. */
export async function createCollection(app: TestApp, admin: Account, input: CollectionInput): Promise<void> {
  const response = await adminApi(app).create(admin.headers, input);
  expect(response.statusCode, response.body).toBe(201);
}

/** The records API of one collection, as whoever `headers` names (undefined: a guest). */
export function recordsApi(app: TestApp, collection: string) {
  const base = `/api/collections/${collection}/records`;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    list: (headers: Headers, query: Record<string, string | number> = {}) =>
      send(
        app,
        'GET',
        base,
        headers,
        undefined,
        Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      ),
    view: (headers: Headers, id: string) => send(app, 'GET', one(id), headers),
    create: (headers: Headers, payload: unknown) => send(app, 'POST', base, headers, payload),
    update: (headers: Headers, id: string, payload: unknown) => send(app, 'PATCH', one(id), headers, payload),
    remove: (headers: Headers, id: string) => send(app, 'DELETE', one(id), headers),
  };
}

/** Creates a record, expecting 201; returns it. */
export async function createRecord(
  app: TestApp,
  collection: string,
  headers: Headers,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: string }> {
  const response = await recordsApi(app, collection).create(headers, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export function expectProblem(response: LightMyRequestResponse, status: number, code?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (code) expect(response.json().code).toBe(code);
}

/** The `field` of every entry of a problem's `errors[]`. */
export const errorFields = (response: LightMyRequestResponse): string[] =>
  ((response.json().errors ?? []) as Array<{ field: string }>).map((e) => e.field);

/** Rows of a table as stored, read with raw SQL; null when the table does not exist. */
export async function rawRows(app: TestApp, table: string): Promise<Array<Record<string, unknown>> | null> {
  try {
    return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(app.database.db)).rows;
  } catch {
    return null;
  }
}

/** One stored row by id, read with raw SQL. */
export async function rawRow(app: TestApp, table: string, id: string): Promise<Record<string, unknown> | undefined> {
  const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE id = ${id}`.execute(
    app.database.db,
  );
  return result.rows[0];
}

/** Audit entries of one type, newest first. */
export const auditEntries = (app: TestApp, type: string) => app.audit.listRecent(1000, type);
