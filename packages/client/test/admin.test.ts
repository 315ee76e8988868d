import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin } from '../../../test/helpers/collections-client.js';
import { bearerClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

describe('admin: collections', () => {
  it('lists the collections with their fields and rules, and reads one by name', async () => {
    const admin = await newAdmin(server.app);
    const { client, calls } = bearerClient(server.url, { accessToken: admin.accessToken });
    const all = await client.admin.collections();
    const notes = all.find((collection) => collection.name === 'notes');
    expect(notes?.fields.map((field) => field.name)).toEqual(['title', 'owner']);
    expect(notes?.rules.list).toBe('owner = @request.auth.id');
    expect(await client.admin.collection('notes')).toEqual(notes);
    await expect(client.admin.collection('no such')).rejects.toMatchObject({ status: 404 });
    expect(calls).toEqual([
      'GET /api/admin/collections',
      'GET /api/admin/collections/notes',
      'GET /api/admin/collections/no%20such',
    ]);
  });

  it('is refused to a user who is not an administrator', async () => {
    const { client } = bearerClient(server.url);
    const email = uniqueEmail('not-admin');
    await client.auth.signUp({ email, password: PASSWORD });
    await client.auth.signIn({ email, password: PASSWORD });
    await expect(client.admin.collections()).rejects.toMatchObject({ status: 403 });
  });
});
