import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, newAdmin } from '../../../test/helpers/collections-client.js';
import { bearerClient, type RunningServer, startServer } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.app.close());

describe('collectionAdmin: create, change and delete collections', () => {
  it('round-trips a collection and asks for confirmDataLoss before values are lost', async () => {
    const admin = await newAdmin(server.app);
    const { client, calls } = bearerClient(server.url, { accessToken: admin.accessToken });
    const created = await client.collectionAdmin.create({
      name: 'shelf',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'note', type: 'text' },
      ],
      rules: { list: '', view: 'title != ""' },
    });
    expect(created.rules).toEqual({ list: '', view: 'title != ""', create: null, update: null, delete: null });
    await createRecord(server.app, 'shelf', admin.headers, { title: 'a', note: 'lost with its field' });

    const title = { name: 'title', type: 'text', required: true } as const;
    await expect(client.collectionAdmin.update('shelf', { fields: [title] })).rejects.toMatchObject({
      status: 409,
      code: 'COLL_DATA_LOSS',
    });
    const changed = await client.collectionAdmin.update('shelf', { fields: [title], confirmDataLoss: true });
    expect(changed.fields).toEqual([title]);
    await expect(client.collectionAdmin.update('shelf', { rules: { list: 'nope = 1' } })).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'rules.list', code: 'RULE_UNKNOWN_FIELD', message: 'unknown field "nope" at character 1' }],
    });

    await expect(client.collectionAdmin.remove('shelf')).rejects.toMatchObject({ status: 409 });
    await client.collectionAdmin.remove('shelf', { confirmDataLoss: true });
    await expect(client.admin.collection('shelf')).rejects.toMatchObject({ status: 404 });
    expect(calls.filter((call) => call.includes('/api/admin/collections'))).toEqual([
      'POST /api/admin/collections',
      'PATCH /api/admin/collections/shelf',
      'PATCH /api/admin/collections/shelf',
      'PATCH /api/admin/collections/shelf',
      'DELETE /api/admin/collections/shelf',
      'DELETE /api/admin/collections/shelf',
      'GET /api/admin/collections/shelf',
    ]);
  });
});
