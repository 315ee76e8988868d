import { describe, expect, it } from 'vitest';
import {
  bearer,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  PASSWORD,
  rawRow,
  recordsApi,
  uniqueEmail,
  uniqueName,
} from '../helpers/collections-client.js';
import { get, post, tokens } from '../helpers/inject-requests.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * API keys used beyond their scopes, and admin-scoped keys of administrators without a second
 * factor (OWASP ASVS 5.0 V8.2.1, V6.3.3).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

const app = useTestApp({ logLevel: 'silent' });

describe('V8.2.1 API key scopes are enforced on every route', () => {
  it('records:read cannot write records or read the profile; profile:read can', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'keyholder');
    const name = uniqueName('scoped');
    const signedIn = '@request.auth.id != ""';
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: signedIn, view: signedIn, create: signedIn, update: signedIn, delete: signedIn },
    });
    const record = await createRecord(app, name, user.headers, { title: 'mine' });
    const readOnly = await newApiKey(app, user, ['records:read']);
    const records = recordsApi(app, name);

    expect((await records.list(readOnly)).statusCode).toBe(200);
    expect((await records.view(readOnly, record.id)).statusCode).toBe(200);
    expectProblem(await records.create(readOnly, { title: 'new' }), 403);
    expectProblem(await records.update(readOnly, record.id, { title: 'changed' }), 403);
    expectProblem(await records.remove(readOnly, record.id), 403);
    expectProblem(await get(app, '/api/auth/me', readOnly), 403, 'AUTH_FORBIDDEN');
    expect((await rawRow(app, `c_${name}`, record.id))?.title).toBe('mine');

    const withProfile = await newApiKey(app, user, ['records:read', 'profile:read']);
    expect((await get(app, '/api/auth/me', withProfile)).json().user.id).toBe(user.id);
    const writer = await newApiKey(app, user, ['records:write']);
    expectProblem(await records.list(writer), 403);
    expect((await records.update(writer, record.id, { title: 'by key' })).statusCode).toBe(200);
  });

  it("an admin's admin-scoped key works on admin routes only while the admin holds a second factor", async () => {
    const admin = await newAdmin(app);
    const adminKey = await newApiKey(app, admin, ['admin']);
    expect((await get(app, '/api/admin/collections', adminKey)).statusCode).toBe(200);
    // The admin scope is not a master key: no profile, no records writes.
    expectProblem(await get(app, '/api/auth/me', adminKey), 403);
    expectProblem(await post(app, '/api/keys', { name: 'more', scopes: ['admin'], expiresIn: 3600 }, adminKey), 403);

    // The factor goes away (as it would after an operator reset): the key stops at once.
    await app.database.db.updateTable('users').set({ mfa_enrolled_ms: null }).where('id', '=', admin.id).execute();
    expectProblem(await get(app, '/api/admin/collections', adminKey), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
  });

  it('a new admin without a factor (default policy) signs in enrol-only and cannot create keys', async () => {
    const email = uniqueEmail('fresh-admin');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const signIn = await tokens(app, email);
    expect(signIn.mfaRequired).toBe(true);
    expect(signIn.refreshToken).toBeUndefined();
    const headers = bearer(signIn.accessToken);
    for (const scopes of [['admin'], ['records:read']]) {
      expectProblem(
        await post(app, '/api/keys', { name: 'k', scopes, expiresIn: 3600 }, headers),
        403,
        'AUTH_MFA_ENROLMENT_REQUIRED',
      );
    }
    expectProblem(await get(app, '/api/admin/collections', headers), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
    const keys = await app.database.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select('api_keys.id')
      .where('users.email', '=', email)
      .execute();
    expect(keys).toEqual([]);
  });
});
