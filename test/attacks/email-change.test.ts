import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery staple 42';
const app = useTestApp({ logLevel: 'silent' });

async function signIn(email: string): Promise<Record<string, string>> {
  await app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: PASSWORD } });
  const tokens = (
    await app.http.inject({ method: 'POST', url: '/api/auth/token', payload: { email, password: PASSWORD } })
  ).json();
  return { authorization: `Bearer ${tokens.accessToken}` };
}

describe('email change without mail', () => {
  it('needs a recent sign-in, refuses a taken address, and is the only way email changes', async () => {
    const headers = await signIn('first@example.com');
    await signIn('second@example.com');
    const change = (email: string) =>
      app.http.inject({ method: 'POST', url: '/api/auth/email/change', payload: { email }, headers });

    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: Date.now() - 10 * 60_000 })
      .execute();
    const stale = await change('third@example.com');
    expect(stale.statusCode).toBe(403);
    expect(stale.json().code).toBe('AUTH_STEP_UP_REQUIRED');

    const reauth = await app.http.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      payload: { password: PASSWORD },
      headers,
    });
    expect(reauth.statusCode).toBe(200);
    const taken = await change('Second@Example.com');
    expect(taken.statusCode).toBe(409);
    const done = await change('third@example.com');
    expect(done.statusCode).toBe(200);
    expect(done.json().user.email).toBe('third@example.com');
    // Nothing proved the new address: it must not be recorded as verified.
    expect(done.json().user.verified).toBe(false);
    expect((await app.http.inject({ url: '/api/auth/me', headers })).json().user.email).toBe('third@example.com');
  });

  it('refuses guests', async () => {
    const guest = await app.http.inject({
      method: 'POST',
      url: '/api/auth/email/change',
      payload: { email: 'x@example.com' },
    });
    expect(guest.statusCode).toBe(401);
  });
});
