import { describe, expect, it } from 'vitest';
import { expectProblem, newAdmin, newUser, PASSWORD } from '../helpers/collections-client.js';
import {
  ALL_DEAD,
  adminApi,
  auditOf,
  credentialsOf,
  expectOk,
  statusesOf,
  useAdminApp,
} from '../helpers/user-admin-client.js';

/**
 * Deleting a user: its sessions, tokens, keys and factors go with it and its credentials fail at
 * once, administrators included (OWASP ASVS 5.0 V7.4.2).
 */

const { app, admin } = useAdminApp();

describe('deleting a user', () => {
  it('removes the user with its sessions, tokens, keys and factors; its credentials fail at once', async () => {
    const user = await newUser(app, 'deleted');
    const credentials = await credentialsOf(app, user);
    expectOk(await adminApi(app).remove(admin.headers, user.id), 204);
    expect(await statusesOf(app, credentials)).toEqual(ALL_DEAD);
    const db = app.database.db;
    expect(await db.selectFrom('users').where('id', '=', user.id).selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('sessions').where('user_id', '=', user.id).selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('api_keys').where('user_id', '=', user.id).selectAll().execute()).toEqual([]);
    expectProblem(await adminApi(app).remove(admin.headers, user.id), 404, 'ADMIN_USER_NOT_FOUND');
    expectProblem(await adminApi(app).sessions(admin.headers, user.id), 404, 'ADMIN_USER_NOT_FOUND');
    // The address is free again.
    expectOk(
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: user.email, password: PASSWORD },
      }),
      201,
    );
    const [event] = (await auditOf(app, 'admin.user.delete')).filter((e) => e.details.userId === user.id);
    expect(event).toEqual({ actor: admin.id, details: { userId: user.id, email: user.email, role: 'user' } });
  });

  it('deleting an administrator ends its admin sessions', async () => {
    const other = await newAdmin(app);
    expectOk(await adminApi(app).remove(admin.headers, other.id), 204);
    expectProblem(await adminApi(app).list(other.headers), 401, 'AUTH_INVALID_TOKEN');
  });
});
