import { describe, expect, it } from 'vitest';
import {
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newUser,
  PASSWORD,
  rawRow,
  recordsApi,
  uniqueEmail,
  uniqueName,
} from '../helpers/collections-client.js';
import { get, NEW_PASSWORD, post } from '../helpers/inject-requests.js';
import { testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * A user promoting themselves: role, verified, disabled or email through any route a client can
 * reach, and id, created or updated forged in a record body (OWASP ASVS 5.0 V8.2.3).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const app = useTestApp({ logLevel: 'silent' });

describe(`V8.2.3 self-promotion: a user cannot change their own role, verified, disabled or email (${testDialect()})`, () => {
  it('refuses every route an outsider can try and leaves the user row unchanged', async () => {
    const user = await newUser(app, 'climber');
    const before = await rawRow(app, 'users', user.id);
    const promote = { role: 'admin', verified: 1, disabled: 0, email: uniqueEmail('stolen') };

    // users is not a records collection: nothing to PATCH or create there.
    const patched = await app.http.inject({
      method: 'PATCH',
      url: `/api/collections/users/records/${user.id}`,
      headers: user.headers,
      payload: promote,
    });
    expectProblem(patched, 404);
    expectProblem(await post(app, '/api/collections/users/records', { id: user.id, ...promote }, user.headers), 404);

    // The administrators' user route is not open to a user, even on themselves.
    const adminPatch = await app.http.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: user.headers,
      payload: { role: 'admin' },
    });
    expect(adminPatch.statusCode, adminPatch.body).toBe(403);

    // Extra fields at registration: 400 naming them, and no account is created.
    const email = uniqueEmail('registrant');
    const registered = await post(app, '/api/auth/register', {
      email,
      password: PASSWORD,
      role: 'admin',
      verified: true,
      disabled: false,
    });
    expectProblem(registered, 400);
    // Validation stops at the first unknown field (bounded work and answer): it names that one.
    expect(errorFields(registered)).toEqual(['role']);
    expect(await app.auth.accounts.findByEmail(email)).toBeUndefined();

    // Extra fields on a password change: 400, the password stays.
    const change = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, ...promote },
      user.headers,
    );
    expectProblem(change, 400);
    expect(errorFields(change)).toEqual(['role']);

    expect(await rawRow(app, 'users', user.id)).toEqual(before);
    const profile = await get(app, '/api/auth/me', user.headers);
    expect(profile.statusCode).toBe(200);
    expect(profile.json().user).toMatchObject({ id: user.id, email: user.email, role: 'user' });
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('a collection anyone may update still refuses id, created and updated in the body (400, row unchanged)', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'editor');
    const name = uniqueName('wiki');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '', view: '', create: '', update: '', delete: null },
    });
    const record = await createRecord(app, name, user.headers, { title: 'original' });
    const before = await rawRow(app, `c_${name}`, record.id);

    for (const body of [
      { title: 'x', id: 'forged-id-0000' },
      { title: 'x', created: '2000-01-01T00:00:00.000Z' },
      { title: 'x', updated: '2000-01-01T00:00:00.000Z' },
      { id: 'forged-id-0000', created: '2000-01-01T00:00:00.000Z', updated: '2000-01-01T00:00:00.000Z' },
    ]) {
      for (const headers of [user.headers, undefined]) {
        const response = await recordsApi(app, name).update(headers, record.id, body);
        expectProblem(response, 400);
        expect(errorFields(response).length).toBeGreaterThan(0);
      }
    }
    const forgedCreate = await recordsApi(app, name).create(user.headers, { title: 'y', id: 'chosen-id-0001' });
    expectProblem(forgedCreate, 400);
    expect(await rawRow(app, `c_${name}`, 'chosen-id-0001')).toBeUndefined();
    expect(await rawRow(app, `c_${name}`, record.id)).toEqual(before);
  });
});
