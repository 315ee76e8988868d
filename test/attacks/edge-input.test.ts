import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import {
  type Account,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { type TestApp, useTestApp } from '../helpers/test-app.js';

/**
 * Inputs a fuzzer found that got past validation into SQL and answered 500 (or 200): non-finite
 * page numbers, and NUL characters, which PostgreSQL refuses in any text value.
 */
describe('edge input: page numbers and NUL characters', () => {
  let admin: Account;
  let user: Account;
  let notes: string;
  let recordId: string;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'edge');
    notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: notes,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'owner', type: 'relation', collection: 'users' },
      ],
      rules: { list: '', view: '', create: '', update: '', delete: '' },
    });
    recordId = (await createRecord(app, notes, admin.headers, { title: 'first' })).id;
  });

  const NON_INTEGERS = ['Infinity', '-Infinity', '1e309', '-1e309', 'NaN', '1.5', '1e3', '0x10', ' 2', '', '2abc'];

  it.each(['page', 'perPage'])('records list refuses a %s that is not a whole number in range (400)', async (key) => {
    for (const value of [...NON_INTEGERS, '0', '-1']) {
      const response = await recordsApi(app, notes).list(user.headers, { [key]: value });
      expectProblem(response, 400, 'HTTP_VALIDATION');
      expect(response.json().errors[0].field, value).toBe(key);
    }
  });

  it.each(['page', 'perPage'])(
    'admin user list refuses a %s that is not a whole number in range (400)',
    async (key) => {
      for (const value of [...NON_INTEGERS, '0', '1000001']) {
        const response = await app.http.inject({
          url: '/api/admin/users',
          query: { [key]: value },
          headers: admin.headers,
        });
        expectProblem(response, 400, 'HTTP_VALIDATION');
      }
    },
  );

  it('whole numbers in range still page', async () => {
    const listed = await recordsApi(app, notes).list(user.headers, { page: '1', perPage: '5' });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ page: 1, perPage: 5 });
    const users = await app.http.inject({ url: '/api/admin/users?page=1&perPage=2', headers: admin.headers });
    expect(users.statusCode, users.body).toBe(200);
    expect(users.json()).toMatchObject({ page: 1, perPage: 2 });
  });

  it('a repeated query key is refused, not folded into one value', async () => {
    const response = await app.http.inject({ url: `/api/collections/${notes}/records?page=1&page=2` });
    expectProblem(response, 400, 'HTTP_VALIDATION');
  });

  it('a boolean query value must be true or false', async () => {
    const name = uniqueName('gone');
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }] });
    for (const value of ['1', 'yes', 'TRUE']) {
      const response = await app.http.inject({
        method: 'DELETE',
        url: `/api/admin/collections/${name}?confirmDataLoss=${value}`,
        headers: admin.headers,
      });
      expectProblem(response, 400, 'HTTP_VALIDATION');
    }
    const removed = await app.http.inject({
      method: 'DELETE',
      url: `/api/admin/collections/${name}?confirmDataLoss=true`,
      headers: admin.headers,
    });
    expect(removed.statusCode, removed.body).toBe(204);
  });

  describe('NUL (U+0000) anywhere is refused at the edge with 400', () => {
    const expectNul = (response: Awaited<ReturnType<TestApp['http']['inject']>>) => {
      expectProblem(response, 400, 'HTTP_NUL_CHARACTER');
      expect(response.body).not.toContain('\\u0000');
    };

    it('names where the NUL is, without echoing it', async () => {
      const path = await app.http.inject({ url: `/api/collections/${notes}/records/%00` });
      expect(path.json().errors).toEqual([
        { field: 'id', code: 'nul_character', message: 'contains a NUL character (U+0000)' },
      ]);
      const nested = await app.http.inject({
        method: 'POST',
        url: '/api/admin/collections',
        headers: admin.headers,
        payload: {
          name: uniqueName('n'),
          fields: [
            { name: 'ok', type: 'text' },
            { name: 'b\u0000d', type: 'text' },
          ],
        },
      });
      expectNul(nested);
      expect(nested.json().errors[0].field).toBe('fields.1.name');
      const key = await recordsApi(app, notes).create(user.headers, { 'evil\u0000': 'x' });
      expect(key.json().errors[0].field).toBe('body');
    });

    it('in a path parameter', async () => {
      expectNul(await app.http.inject({ url: `/api/collections/${notes}/records/%00` }));
      expectNul(await app.http.inject({ url: `/api/collections/${notes}/records/a%00b`, headers: user.headers }));
      expectNul(await app.http.inject({ method: 'DELETE', url: `/api/collections/${notes}/records/%00` }));
      expectNul(await app.http.inject({ url: '/api/admin/users/%00', headers: admin.headers }));
    });

    it('in a query value', async () => {
      expectNul(await app.http.inject({ url: '/api/admin/users?email=a%00', headers: admin.headers }));
      expectNul(await app.http.inject({ url: `/api/collections/${notes}/records?filter=title%3D%22a%00%22` }));
      expectNul(await app.http.inject({ url: '/api/auth/oidc/none/callback?code=%00&state=x' }));
    });

    it('in a JSON body string, key or nested value', async () => {
      const signUp = await app.http.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail('nul'), password: PASSWORD, name: 'Eve\u0000' },
      });
      expectNul(signUp);
      const key = await app.http.inject({
        method: 'POST',
        url: '/api/keys',
        headers: user.headers,
        payload: { name: 'key\u0000', scopes: ['records:read'], expiresIn: 3600 },
      });
      expectNul(key);
      const api = recordsApi(app, notes);
      expectNul(await api.create(user.headers, { title: 'ok', owner: '\u0000' }));
      expectNul(await api.create(user.headers, { title: 'ok', owner: `${user.id}\u0000` }));
      expectNul(await api.update(user.headers, recordId, { 'title\u0000': 'x' }));
      expectNul(
        await app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: `a\u0000${uniqueEmail('x')}`, password: PASSWORD },
        }),
      );
    });

    it('the record and the service are untouched afterwards', async () => {
      const viewed = await recordsApi(app, notes).view(user.headers, recordId);
      expect(viewed.statusCode, viewed.body).toBe(200);
      expect(viewed.json().title).toBe('first');
    });
  });
});
