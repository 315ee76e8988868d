import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import { type Account, expectProblem, newAdmin, newUser, uniqueName } from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * A JSON API has no reason to coerce types. With coercion on, `["a@b.c"]` became the string
 * `"a@b.c"` and signed in, `1` became `"1"` and `true` became `"true"`; every one of these must
 * be refused as the wrong type (400), never quietly turned into what the schema wanted.
 */
describe('request bodies are never coerced', () => {
  let admin: Account;
  let user: Account;
  let email: string;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'coercion');
    email = uniqueEmail('victim');
    await register(app, email);
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.http.inject({ method: 'POST', url, payload: payload as object, headers });

  it('the correct credentials, as strings, still sign in', async () => {
    expect((await post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
  });

  it.each([
    ['arrays for email and password', (e: string) => ({ email: [e], password: [PASSWORD] })],
    ['an array for the email', (e: string) => ({ email: [e], password: PASSWORD })],
    ['an array for the password', (e: string) => ({ email: e, password: [PASSWORD] })],
    ['a one-element array of a number', (e: string) => ({ email: e, password: [42] })],
  ])('sign-in refuses %s (400, no session)', async (_name, body) => {
    for (const url of ['/api/auth/login', '/api/auth/token']) {
      const response = await post(url, body(email));
      expectProblem(response, 400, 'HTTP_VALIDATION');
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.body).not.toContain('accessToken');
    }
  });

  it.each([
    ['a number password', { password: 123456789012 }],
    ['a boolean password', { password: true }],
    ['an array email', { email: ['someone@example.com'] }],
    ['a number name', { name: 42 }],
    ['a boolean name', { name: false }],
    ['an array name', { name: ['x'] }],
    ['a null name', { name: null }],
  ])('sign-up refuses %s (400, no account)', async (_name, override) => {
    const fresh = uniqueEmail('signup');
    const response = await post('/api/auth/register', { email: fresh, password: PASSWORD, ...override });
    expectProblem(response, 400, 'HTTP_VALIDATION');
    expect((await post('/api/auth/login', { email: fresh, password: PASSWORD })).statusCode).toBe(401);
  });

  it.each([
    ['/api/auth/refresh', { refreshToken: ['a'.repeat(40)] }],
    ['/api/auth/password/forgot', { email: [uniqueEmail('x')] }],
    ['/api/auth/password/reset', { token: 1234567890123, password: PASSWORD }],
    ['/api/auth/email/verify', { token: true }],
  ])('%s refuses a wrong-typed value with 400', async (url, body) => {
    expectProblem(await post(url, body), 400, 'HTTP_VALIDATION');
  });

  it.each([
    ['an array name', { name: ['k'], scopes: ['records:read'], expiresIn: 3600 }],
    ['a number name', { name: 7, scopes: ['records:read'], expiresIn: 3600 }],
    ['a string scope list', { name: 'k', scopes: 'records:read', expiresIn: 3600 }],
    ['a string lifetime', { name: 'k', scopes: ['records:read'], expiresIn: '3600' }],
  ])('API-key creation refuses %s', async (_name, body) => {
    expectProblem(await post('/api/keys', body, user.headers), 400, 'HTTP_VALIDATION');
  });

  it.each([
    ['an array name', (n: string) => ({ name: [n], fields: [] })],
    ['a number rule', (n: string) => ({ name: n, fields: [], rules: { list: 0 } })],
    ['a boolean rule', (n: string) => ({ name: n, fields: [], rules: { view: false } })],
    ['an array rule', (n: string) => ({ name: n, fields: [], rules: { update: ['""'] } })],
    [
      'a string "true" for required',
      (n: string) => ({ name: n, fields: [{ name: 't', type: 'text', required: 'true' }] }),
    ],
  ])('collection creation refuses %s and creates nothing', async (_name, body) => {
    const name = uniqueName('typed');
    expectProblem(await post('/api/admin/collections', body(name), admin.headers), 400, 'HTTP_VALIDATION');
    const listed = await app.http.inject({ url: '/api/admin/collections', headers: admin.headers });
    expect(listed.json().items.map((c: { name: string }) => c.name)).not.toContain(name);
  });
});
