import { describe, expect, it } from 'vitest';
import { expectProblem, newAdmin, newApiKey, newUser } from '../helpers/collections-client.js';
import { adminApi, expectOk, type Headers, useAdminApp } from '../helpers/user-admin-client.js';

/**
 * Reaching the administrators' user routes without being one: guests get 401, users and their
 * keys 403, narrow admin keys 403, stale sign-ins must step up; the user list holds no secret and
 * its email filter is literal (OWASP ASVS 5.0 V8.2.1).
 */

const { app, admin } = useAdminApp();

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
    const refused = await adminApi(app).patch(stale.headers, target.id, { disabled: true });
    expectProblem(refused, 403, 'AUTH_STEP_UP_REQUIRED');
    // Any one proof opens the window; the problem names the one to ask for.
    expect(refused.json().stepUpWith).toEqual(['password']);
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
