import { describe, expect, it } from 'vitest';
import { issueTokens } from '../helpers/auth-client.js';
import { bearer, expectProblem, newAdmin, newUser, PASSWORD } from '../helpers/collections-client.js';
import {
  ALL_DEAD,
  adminApi,
  auditOf,
  createTwinApps,
  credentialsOf,
  expectOk,
  statusesOf,
  useAdminApp,
} from '../helpers/user-admin-client.js';

/**
 * What disabling a user or changing its role does to the credentials it holds: every cookie
 * session, bearer family and API key ends at the next request, on every instance, and re-enabling
 * revives none; a promoted user must enrol a factor first (OWASP ASVS 5.0 V7.4.2).
 */

const { app, admin } = useAdminApp();

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
