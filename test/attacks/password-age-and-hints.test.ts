import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cookieFor, csrfTokenFor, PASSWORD, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import { newAdmin, rawRows } from '../helpers/collections-client.js';
import { createTestApp, type TestApp, testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * Two things a password policy must not do (ASVS V6.2.10, V6.4.2): make passwords expire
 * after some time, and offer hints or secret questions. Both are absences, so each test looks
 * for the thing everywhere a client could meet it and fails if it appears.
 */

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** Names a hint, reminder, secret question or its answer would go by. */
const HINT_LIKE = /hint|question|answer|reminder|memorable|mother|maiden|pet[-_]?name/i;
/** Names a password age, expiry or forced change would go by. */
const AGE_LIKE = /password.*(age|expir|changed|rotat)|(must|force|require)s?[-_]?(change|reset|rotat)|expired/i;

describe(`V6.2.10 passwords never expire (${testDialect()})`, () => {
  let app: TestApp;
  const start = Date.now();
  beforeAll(async () => {
    // Only Date is faked (timers run normally), before the app exists, so every clock it
    // reads moves when the test moves the date.
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    app = await createTestApp();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
  });

  it('a password set ten years ago still signs in to a full session, with nothing asking for a change', async () => {
    const email = uniqueEmail('old-password');
    const registered = await app.http.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: PASSWORD },
    });
    expect(registered.statusCode, registered.body).toBe(201);

    vi.setSystemTime(start + 10 * YEAR_MS);
    const login = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json()).toMatchObject({ mfaRequired: false });
    expect(Object.keys(login.json()).filter((key) => AGE_LIKE.test(key))).toEqual([]);
    const token = sessionTokenFrom(login) as string;
    // The app's clock did move: the new session is dated ten years on.
    const sessions = (await rawRows(app, 'sessions')) ?? [];
    expect(sessions.some((row) => Number(row.created_ms) >= start + 10 * YEAR_MS)).toBe(true);

    const me = await app.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token) } });
    expect(me.statusCode, me.body).toBe(200);
    expect(JSON.stringify(me.json())).not.toMatch(AGE_LIKE);
    // The session is not limited to a change-password page: an ordinary write goes through.
    const headers = { cookie: cookieFor(token), 'x-csrf-token': await csrfTokenFor(app, token) };
    const key = await app.http.inject({
      method: 'POST',
      url: '/api/keys',
      headers,
      payload: { name: 'ten years on', scopes: ['records:read'], expiresIn: 3600 },
    });
    expect(key.statusCode, key.body).toBe(201);

    // Bearer sign-in too.
    const tokens = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { email, password: PASSWORD },
    });
    expect(tokens.statusCode, tokens.body).toBe(200);
    expect(tokens.json()).toMatchObject({ mfaRequired: false });
  });

  it('keeps no password age to force a change with, in the users table or the configuration', async () => {
    const columns = Object.keys((await rawRows(app, 'users'))?.[0] ?? {});
    expect(columns).toContain('password_hash');
    expect(columns.filter((column) => AGE_LIKE.test(column))).toEqual([]);
    const configKeys = Object.keys(app.config.auth);
    expect(configKeys).toContain('passwordMinLength');
    expect(configKeys.filter((key) => AGE_LIKE.test(key) || /max.?age/i.test(key))).toEqual([]);
  });
});

describe(`V6.4.2 no password hints or secret questions (${testDialect()})`, () => {
  const app = useTestApp();

  /** Every property name in a JSON Schema tree (OpenAPI document included). */
  function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
    if (Array.isArray(node)) for (const item of node) propertyNames(item, into);
    else if (node && typeof node === 'object') {
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      if (properties && typeof properties === 'object') for (const name of Object.keys(properties)) into.add(name);
      for (const child of Object.values(node)) propertyNames(child, into);
    }
    return into;
  }

  it('the OpenAPI document has no hint, question or answer field in any request or answer', async () => {
    const document = (await app.http.inject({ url: '/api/openapi.json' })).json();
    const names = propertyNames(document);
    expect(names).toContain('password');
    expect([...names].filter((name) => HINT_LIKE.test(name))).toEqual([]);
  });

  it('sign-up, reset and change refuse a hint or question, and store none', async () => {
    const extras = { passwordHint: 'the dog', securityQuestion: 'first pet?', securityAnswer: 'rex' };
    const admin = await newAdmin(app);
    const attempts = [
      { url: '/api/auth/register', payload: { email: uniqueEmail('hinted'), password: PASSWORD } },
      { url: '/api/auth/password/reset', payload: { token: 'x'.repeat(43), password: PASSWORD } },
      {
        url: '/api/auth/password/change',
        payload: { currentPassword: PASSWORD, newPassword: `${PASSWORD} changed` },
        headers: admin.headers,
      },
    ];
    for (const { url, payload, headers } of attempts) {
      for (const [name, value] of Object.entries(extras)) {
        const response = await app.http.inject({
          method: 'POST',
          url,
          payload: { ...payload, [name]: value },
          ...(headers ? { headers } : {}),
        });
        expect(response.statusCode, `${url} with ${name}: ${response.body}`).toBe(400);
      }
    }
    const columns = Object.keys((await rawRows(app, 'users'))?.[0] ?? {});
    expect(columns.filter((column) => HINT_LIKE.test(column))).toEqual([]);
  });
});
