import { beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom } from '../helpers/auth-client.js';
import { useTestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery staple 42';
const app = useTestApp({ logLevel: 'silent' });
beforeAll(async () => {
  await app.http.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: 'lou@example.com', password: PASSWORD },
  });
});

const login = (headers: Record<string, string> = {}) =>
  app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'lou@example.com', password: PASSWORD },
    headers,
  });
const cookieOf = (response: Awaited<ReturnType<typeof login>>) => cookieHeaderFrom(response) as string;
const me = (headers: Record<string, string>) => app.http.inject({ url: '/api/auth/me', headers });

describe('signing in over an existing session', () => {
  it('needs no CSRF token (the client cannot see its HttpOnly cookie) and ends the old session', async () => {
    const old = cookieOf(await login());
    const again = await login({ cookie: old });
    expect(again.statusCode).toBe(200);
    expect(cookieOf(again)).not.toBe(old);
    expect((await me({ cookie: old })).statusCode).toBe(401);
    expect((await me({ cookie: cookieOf(again) })).statusCode).toBe(200);
  });

  it('still refuses a cross-site sign-in (login CSRF)', async () => {
    const forged = await login({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('AUTH_CSRF');
  });

  it('ends the browser session too when signing out with a bearer token that carries it', async () => {
    const cookie = cookieOf(await login());
    const tokens = (
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { email: 'lou@example.com', password: PASSWORD },
      })
    ).json();
    const bearer = `Bearer ${tokens.accessToken}`;
    const out = await app.http.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: bearer, cookie },
    });
    expect(out.statusCode).toBe(204);
    expect((await me({ authorization: bearer })).statusCode).toBe(401);
    expect((await me({ cookie })).statusCode).toBe(401);
  });
});
