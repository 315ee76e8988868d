import { describe, expect, it } from 'vitest';
import { me, sessionTokenFrom } from '../helpers/auth-client.js';
import { bearer, errorFields, expectProblem, newUser, PASSWORD } from '../helpers/collections-client.js';
import { get, NEW_PASSWORD, post, tokens } from '../helpers/inject-requests.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Changing a password without the current one, to a weak one, and what a change does to the
 * account's other sessions (OWASP ASVS 5.0 V6.2.2, V6.2.3).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const app = useTestApp({ logLevel: 'silent' });

describe('V6.2.2/V6.2.3 password change', () => {
  it('needs the current password: missing → 400, wrong → 401 and nothing changes', async () => {
    const user = await newUser(app, 'changer');
    const missing = await post(app, '/api/auth/password/change', { newPassword: NEW_PASSWORD }, user.headers);
    expectProblem(missing, 400);
    expect(errorFields(missing)).toContain('currentPassword');

    const wrong = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: 'not the right password at all', newPassword: NEW_PASSWORD },
      user.headers,
    );
    expectProblem(wrong, 401, 'AUTH_INVALID_CREDENTIALS');
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
    expect((await post(app, '/api/auth/token', { email: user.email, password: NEW_PASSWORD })).statusCode).toBe(401);
    // The calling session survives a wrong attempt.
    expect((await get(app, '/api/auth/me', user.headers)).statusCode).toBe(200);
  });

  it('refuses a weak or breached new password with 400 naming the reason', async () => {
    const user = await newUser(app, 'weakling');
    for (const newPassword of ['password1234', 'short', user.email]) {
      const response = await post(
        app,
        '/api/auth/password/change',
        { currentPassword: PASSWORD, newPassword },
        user.headers,
      );
      expectProblem(response, 400, 'AUTH_WEAK_PASSWORD');
      const [error] = response.json().errors as Array<{ field: string; code: string; message: string }>;
      expect(error?.code, newPassword).toMatch(/^[a-z_]+$/);
      expect(error?.message.length).toBeGreaterThan(0);
    }
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('the weak-password error names the body field that was refused (`newPassword`)', async () => {
    const user = await newUser(app, 'fieldname');
    const response = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: 'password1234' },
      user.headers,
    );
    expectProblem(response, 400, 'AUTH_WEAK_PASSWORD');
    // CONTRACT: "400 malformed or invalid input (`errors[]` names fields)". The body has no
    // `password` field; a client mapping errors to its form inputs needs `newPassword`.
    expect(errorFields(response), 'BUG: password/change names `password`, a field its body does not have').toEqual([
      'newPassword',
    ]);
  });

  it('ends every other session (cookie and bearer family) and keeps the calling one', async () => {
    const user = await newUser(app, 'rotator');
    const other = await tokens(app, user.email);
    const cookieLogin = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const cookieToken = sessionTokenFrom(cookieLogin) as string;

    const changed = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      user.headers,
    );
    expect(changed.statusCode, changed.body).toBe(204);

    expect((await get(app, '/api/auth/me', user.headers)).statusCode).toBe(200);
    expect((await get(app, '/api/auth/me', bearer(other.accessToken))).statusCode).toBe(401);
    expect((await post(app, '/api/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await me(app, cookieToken)).statusCode).toBe(401);
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await post(app, '/api/auth/token', { email: user.email, password: NEW_PASSWORD })).statusCode).toBe(200);
  });
});
