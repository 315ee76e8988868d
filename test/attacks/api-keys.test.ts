import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type TestApp, useTestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery staple 42';
const DAY = 86_400;

interface Account {
  userId: string;
  accessToken: string;
}

interface CreatedKey {
  key: string;
  apiKey: { id: string; name: string; prefix: string; scopes: string[]; lastUsed: string | null; revoked: boolean };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A fresh account signed in with bearer tokens: signing in opens the step-up window. */
async function newAccount(app: TestApp, label: string): Promise<Account> {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await app.http.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: PASSWORD },
  });
  expect(registered.statusCode, registered.body).toBe(201);
  const tokens = await app.http.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { email, password: PASSWORD },
  });
  expect(tokens.statusCode, tokens.body).toBe(200);
  return { userId: registered.json().user.id, accessToken: tokens.json().accessToken };
}

const postKey = (app: TestApp, token: string, payload: Record<string, unknown>) =>
  app.http.inject({ method: 'POST', url: '/api/keys', headers: bearer(token), payload });

async function createKey(app: TestApp, account: Account, scopes = ['profile:read'], expiresIn = 30 * DAY) {
  const response = await postKey(app, account.accessToken, { name: 'ci', scopes, expiresIn });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as CreatedKey;
}

const me = (app: TestApp, key: string) => app.http.inject({ url: '/api/auth/me', headers: bearer(key) });
const rotate = (app: TestApp, token: string, id: string) =>
  app.http.inject({ method: 'POST', url: `/api/keys/${id}/rotate`, headers: bearer(token) });
const revoke = (app: TestApp, token: string, id: string) =>
  app.http.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: bearer(token) });
const listKeys = (app: TestApp, token: string) => app.http.inject({ url: '/api/keys', headers: bearer(token) });

interface ListedKey {
  id: string;
  expires: string;
  revoked: boolean;
  rotatedFrom: string | null;
  replacedBy: string | null;
}
async function listedKeys(app: TestApp, token: string): Promise<ListedKey[]> {
  const response = await listKeys(app, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as ListedKey[];
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json().code).toBe(code);
}

describe('API keys', () => {
  const app = useTestApp({ logLevel: 'silent' });

  it('is shown once: neither the list nor the database (nor the audit log) holds the key', async () => {
    const account = await newAccount(app, 'once');
    const { key, apiKey } = await createKey(app, account);
    expect(key).toMatch(/^bwk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'ci', scopes: ['profile:read'], prefix: key.slice(0, 8), revoked: false });

    const list = await listKeys(app, account.accessToken);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((k: { id: string }) => k.id)).toEqual([apiKey.id]);
    expect(list.json().items[0]).not.toHaveProperty('key');
    expect(list.body).not.toContain(key.slice(8));

    const rows = JSON.stringify(await app.database.db.selectFrom('api_keys').selectAll().execute());
    expect(rows).toContain(apiKey.id);
    expect(rows).not.toContain(key.slice(8));
    expect(rows).not.toContain(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(await app.audit.listRecent(1000))).not.toContain(key.slice(8));
  });

  it('needs a recent sign-in to create, rotate or revoke a key; POST /api/auth/reauth opens it again', async () => {
    const account = await newAccount(app, 'stepup');
    const { apiKey } = await createKey(app, account);
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: Date.now() - 10 * 60_000 })
      .where('user_id', '=', account.userId)
      .execute();
    const body = { name: 'late', scopes: ['profile:read'], expiresIn: DAY };
    expectProblem(await postKey(app, account.accessToken, body), 403, 'AUTH_STEP_UP_REQUIRED');
    expectProblem(await rotate(app, account.accessToken, apiKey.id), 403, 'AUTH_STEP_UP_REQUIRED');
    expectProblem(await revoke(app, account.accessToken, apiKey.id), 403, 'AUTH_STEP_UP_REQUIRED');

    const reauth = (password: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/reauth',
        headers: bearer(account.accessToken),
        payload: { password },
      });
    expectProblem(await reauth('not the right password at all'), 401, 'AUTH_INVALID_CREDENTIALS');
    expectProblem(await postKey(app, account.accessToken, body), 403, 'AUTH_STEP_UP_REQUIRED');
    expect((await reauth(PASSWORD)).statusCode).toBe(200);
    expect((await postKey(app, account.accessToken, body)).statusCode).toBe(201);
  });

  it.each([
    ['over the 365-day maximum', { expiresIn: 365 * DAY + 1 }],
    ['missing', {}],
    ['below the minimum', { expiresIn: 0 }],
    ['negative', { expiresIn: -DAY }],
    ['not a number', { expiresIn: 'forever' }],
    ['fractional', { expiresIn: 3600.5 }],
  ])('refuses an expiresIn that is %s with 400 naming expiresIn', async (_name, expiry) => {
    const account = await newAccount(app, 'expiry');
    const response = await postKey(app, account.accessToken, { name: 'x', scopes: ['profile:read'], ...expiry });
    expectProblem(response, 400, 'HTTP_VALIDATION');
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain('expiresIn');
    expect((await listKeys(app, account.accessToken)).json().items).toEqual([]);
  });

  it('accepts exactly the maximum lifetime', async () => {
    const account = await newAccount(app, 'maxlife');
    await createKey(app, account, ['profile:read'], 365 * DAY);
  });

  it('a revoked key is refused at once', async () => {
    const account = await newAccount(app, 'revoked');
    const { key, apiKey } = await createKey(app, account);
    expect((await me(app, key)).statusCode).toBe(200);
    expect((await revoke(app, account.accessToken, apiKey.id)).statusCode).toBe(204);
    const refused = await me(app, key);
    expectProblem(refused, 401, 'AUTH_INVALID_TOKEN');
    expect(refused.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await listKeys(app, account.accessToken)).json().items[0].revoked).toBe(true);
    expectProblem(await rotate(app, account.accessToken, apiKey.id), 404, 'AUTH_NOT_FOUND');
  });

  it('an expired key is refused', async () => {
    const account = await newAccount(app, 'expired');
    const { key, apiKey } = await createKey(app, account);
    expect((await me(app, key)).statusCode).toBe(200);
    await app.database.db
      .updateTable('api_keys')
      .set({ expires_ms: Date.now() - 1000 })
      .where('id', '=', apiKey.id)
      .execute();
    expectProblem(await me(app, key), 401, 'AUTH_INVALID_TOKEN');
  });

  it('enforces scopes: without profile:read GET /api/auth/me is 403, with it 200', async () => {
    const account = await newAccount(app, 'scopes');
    const narrow = await createKey(app, account, ['records:read', 'files:read']);
    expectProblem(await me(app, narrow.key), 403, 'AUTH_FORBIDDEN');
    const wide = await createKey(app, account, ['profile:read']);
    const allowed = await me(app, wide.key);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().user.id).toBe(account.userId);
  });

  it('a key cannot manage keys, list sessions or step up, whatever its scopes', async () => {
    const account = await newAccount(app, 'nokeys');
    const { key, apiKey } = await createKey(app, account, [
      'profile:read',
      'records:read',
      'records:write',
      'files:read',
      'files:write',
    ]);
    const attempts = [
      postKey(app, key, { name: 'minted', scopes: ['profile:read'], expiresIn: DAY }),
      listKeys(app, key),
      rotate(app, key, apiKey.id),
      revoke(app, key, apiKey.id),
      app.http.inject({ url: '/api/auth/sessions', headers: bearer(key) }),
      app.http.inject({
        method: 'POST',
        url: '/api/auth/reauth',
        headers: bearer(key),
        payload: { password: PASSWORD },
      }),
    ];
    for (const response of await Promise.all(attempts)) expectProblem(response, 403, 'AUTH_FORBIDDEN');
    const items = (await listKeys(app, account.accessToken)).json().items;
    expect(items).toHaveLength(1);
    expect(items[0].revoked).toBe(false);
  });

  it('rotation: the new key works and the old one still works during the default overlap, not after it', async () => {
    const account = await newAccount(app, 'rotate');
    const old = await createKey(app, account, ['profile:read', 'records:read']);
    const before = Date.now();
    const rotated = await rotate(app, account.accessToken, old.apiKey.id);
    expect(rotated.statusCode, rotated.body).toBe(201);
    const next = rotated.json() as CreatedKey;
    expect(next.key).toMatch(/^bwk_/);
    expect(next.key).not.toBe(old.key);
    expect(next.apiKey).toMatchObject({ name: 'ci', scopes: ['profile:read', 'records:read'] });
    expect((await me(app, next.key)).statusCode).toBe(200);
    expect((await me(app, old.key)).statusCode).toBe(200);

    const row = await app.database.db
      .selectFrom('api_keys')
      .select('expires_ms')
      .where('id', '=', old.apiKey.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.expires_ms)).toBeGreaterThanOrEqual(before + DAY * 1000);
    expect(Number(row.expires_ms)).toBeLessThanOrEqual(Date.now() + DAY * 1000);
    // The overlap passes.
    await app.database.db
      .updateTable('api_keys')
      .set({ expires_ms: Date.now() - 1 })
      .where('id', '=', old.apiKey.id)
      .execute();
    expectProblem(await me(app, old.key), 401, 'AUTH_INVALID_TOKEN');
    expect((await me(app, next.key)).statusCode).toBe(200);
  });

  it('after a rotation the list tells the two keys apart: the old one is replaced and ends with its overlap', async () => {
    const account = await newAccount(app, 'rotate-list');
    const old = await createKey(app, account, ['profile:read'], 30 * DAY);
    const before = Date.now();
    const rotated = await rotate(app, account.accessToken, old.apiKey.id);
    expect(rotated.statusCode, rotated.body).toBe(201);
    const next = rotated.json() as CreatedKey;
    const after = Date.now();
    expect(next.apiKey).toMatchObject({ rotatedFrom: old.apiKey.id, replacedBy: null });

    const items = await listedKeys(app, account.accessToken);
    // Same name, same scopes: without these the new key's 30 days read as the old key's expiry.
    expect(items.map((item) => item.id)).toEqual([next.apiKey.id, old.apiKey.id]);
    expect(items[0]).toMatchObject({ rotatedFrom: old.apiKey.id, replacedBy: null, revoked: false });
    expect(items[1]).toMatchObject({ rotatedFrom: null, replacedBy: next.apiKey.id, revoked: false });
    // The old key stops working at the end of the one-day overlap, and the list says so.
    const oldEnds = Date.parse(items[1]?.expires ?? '');
    expect(oldEnds).toBeGreaterThanOrEqual(before + DAY * 1000 - 1000);
    expect(oldEnds).toBeLessThanOrEqual(after + DAY * 1000);
    expect(Date.parse(items[0]?.expires ?? '')).toBeGreaterThanOrEqual(before + 30 * DAY * 1000 - 1000);
  });

  it('a rotation never lengthens the old key: with less than the overlap left it keeps its own expiry', async () => {
    const account = await newAccount(app, 'rotate-short');
    const old = await createKey(app, account, ['profile:read'], 3600);
    const ownExpiry = (await listedKeys(app, account.accessToken))[0]?.expires;
    const next = (await rotate(app, account.accessToken, old.apiKey.id)).json() as CreatedKey;
    const items = await listedKeys(app, account.accessToken);
    expect(items[1]).toMatchObject({ id: old.apiKey.id, replacedBy: next.apiKey.id, expires: ownExpiry });
  });

  it('records lastUsed when a key is used', async () => {
    const account = await newAccount(app, 'lastused');
    const { key } = await createKey(app, account);
    expect((await listKeys(app, account.accessToken)).json().items[0].lastUsed).toBeNull();
    const before = Date.now();
    expect((await me(app, key)).statusCode).toBe(200);
    const lastUsed = (await listKeys(app, account.accessToken)).json().items[0].lastUsed;
    expect(typeof lastUsed).toBe('string');
    expect(Date.parse(lastUsed)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(lastUsed)).toBeLessThanOrEqual(Date.now());
  });

  it('a non-administrator cannot create an admin-scoped key', async () => {
    const account = await newAccount(app, 'notadmin');
    for (const scopes of [['admin'], ['profile:read', 'admin']]) {
      expectProblem(
        await postKey(app, account.accessToken, { name: 'root', scopes, expiresIn: DAY }),
        403,
        'AUTH_FORBIDDEN',
      );
    }
    expect((await listKeys(app, account.accessToken)).json().items).toEqual([]);
  });

  it("another user's key id, or an unknown one, is 404 on rotate and delete, and the key keeps working", async () => {
    const owner = await newAccount(app, 'owner');
    const intruder = await newAccount(app, 'intruder');
    const { key, apiKey } = await createKey(app, owner);
    for (const id of [apiKey.id, randomUUID()]) {
      expectProblem(await rotate(app, intruder.accessToken, id), 404, 'AUTH_NOT_FOUND');
      expectProblem(await revoke(app, intruder.accessToken, id), 404, 'AUTH_NOT_FOUND');
    }
    expect((await listKeys(app, intruder.accessToken)).json().items).toEqual([]);
    expect((await me(app, key)).statusCode).toBe(200);
    const row = await app.database.db
      .selectFrom('api_keys')
      .select(['revoked_ms', 'expires_ms'])
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_ms).toBeNull();
    expect(Number(row.expires_ms)).toBeGreaterThan(Date.now() + 29 * DAY * 1000);
  });
});

describe('API key rotation without overlap', () => {
  const app = useTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_API_KEY_ROTATION_OVERLAP_SECONDS: '0' } });

  it('refuses the old key at once when the overlap is 0, and the new key works', async () => {
    const account = await newAccount(app, 'nooverlap');
    const old = await createKey(app, account);
    expect((await me(app, old.key)).statusCode).toBe(200);
    const rotated = await rotate(app, account.accessToken, old.apiKey.id);
    expect(rotated.statusCode, rotated.body).toBe(201);
    const next = rotated.json() as CreatedKey;
    expectProblem(await me(app, old.key), 401, 'AUTH_INVALID_TOKEN');
    expect((await me(app, next.key)).statusCode).toBe(200);
    // The replaced key cannot be rotated again to revive it.
    expectProblem(await rotate(app, account.accessToken, old.apiKey.id), 404, 'AUTH_NOT_FOUND');
  });
});
