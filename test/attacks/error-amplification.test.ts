import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Error amplification: a 0.85 MiB body with 80,000 unknown keys once answered 400 with a 6–7 MB
 * `errors[]`, and 20,000 items of an array field with 1.87 MB. Four guests pushed 295 MiB out in
 * 20 s, under every rate limit. Whatever a client sends, a 400 stays a few KiB.
 */
const MAX_ANSWER_BYTES = 4096;

const manyKeys = (count: number, extra: Record<string, unknown> = {}) => {
  const body: Record<string, unknown> = { ...extra };
  for (let i = 0; i < count; i++) body[`k${i}`] = 0;
  return JSON.stringify(body);
};

describe('error amplification', () => {
  let admin: Account;
  let user: Account;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'amplifier');
  });

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.http.inject({ method: 'POST', url, payload, headers: { ...headers, 'content-type': 'application/json' } });

  function expectSmall400(response: Awaited<ReturnType<typeof post>>, requestBytes: number) {
    expect(response.statusCode, response.body.slice(0, 300)).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const bytes = Buffer.byteLength(response.body);
    expect(bytes, `a ${requestBytes}-byte request answered with ${bytes} bytes`).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
  }

  it('80,000 unknown keys at sign-up answer a small 400', async () => {
    const payload = manyKeys(80_000, { email: 'a@example.com', password: 'x' });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(800_000);
    const response = await post('/api/auth/register', payload);
    expectSmall400(response, payload.length);
    expect(response.json().code).toBe('HTTP_VALIDATION');
  });

  it('80,000 unknown keys on an admin route answer a small 400', async () => {
    const payload = manyKeys(80_000, { name: uniqueName('amp'), fields: [] });
    expectSmall400(await post('/api/admin/collections', payload, admin.headers), payload.length);
  });

  it('20,000 API-key scopes answer a small 400', async () => {
    const payload = JSON.stringify({ name: 'k', scopes: Array(20_000).fill('nope'), expiresIn: 3600 });
    expectSmall400(await post('/api/keys', payload, user.headers), payload.length);
  });

  it('a record body with 80,000 unknown fields names the first 20 and reads no further', async () => {
    const name = uniqueName('amp');
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules: { create: '' } });
    const response = await recordsApi(app, name).create(undefined, JSON.parse(manyKeys(80_000)));
    expectSmall400(response, 0);
    const body = response.json();
    expect(body.errors).toHaveLength(20);
    expect(body.errorsOmitted).toBeUndefined();
    expect(body.errors[0]).toEqual({
      field: 'k0',
      code: 'unknown_field',
      message: 'is not a field of this collection',
    });
  });

  it('a single unknown key of 500,000 characters is not echoed in full', async () => {
    const key = 'K'.repeat(500_000);
    expectSmall400(await post('/api/auth/register', JSON.stringify({ [key]: 1 })), 500_000);
    const name = uniqueName('amp');
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules: { create: '' } });
    const response = await recordsApi(app, name).create(undefined, { [key]: 1 });
    expectSmall400(response, 500_000);
    expect(response.json().errors[0].field.length).toBeLessThanOrEqual(128);
  });

  it('the service keeps answering health checks', async () => {
    expect((await app.http.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
