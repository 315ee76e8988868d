import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin } from '../../../test/helpers/collections-client.js';
import { bearerClient, type RunningServer, startServer } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.app.close());

describe('admin: webhooks and metrics', () => {
  it('creates a webhook (secret once), lists, reads, pages its deliveries and deletes it', async () => {
    const admin = await newAdmin(server.app);
    const { client, calls } = bearerClient(server.url, { accessToken: admin.accessToken });
    const created = await client.webhooks.create({ url: 'https://hooks.example.com/in', events: ['record.*'] });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await client.webhooks.list();
    expect(listed.map((hook) => hook.id)).toContain(created.id);
    expect(listed.find((hook) => hook.id === created.id)).not.toHaveProperty('secret');
    expect(await client.webhooks.get(created.id)).toMatchObject({ url: created.url, events: ['record.*'] });
    expect(await client.webhooks.deliveries(created.id, { perPage: 5 })).toMatchObject({
      page: 1,
      perPage: 5,
      items: [],
    });
    await client.webhooks.remove(created.id);
    await expect(client.webhooks.get(created.id)).rejects.toMatchObject({ status: 404 });
    // A loopback URL is refused with the server's reason.
    await expect(client.webhooks.create({ url: 'http://127.0.0.1/in', events: ['record.*'] })).rejects.toMatchObject({
      status: 400,
    });
    expect(calls.slice(0, 5)).toEqual([
      'POST /api/admin/webhooks',
      'GET /api/admin/webhooks',
      `GET /api/admin/webhooks/${created.id}`,
      `GET /api/admin/webhooks/${created.id}/deliveries`,
      `DELETE /api/admin/webhooks/${created.id}`,
    ]);
  });

  it("reads this instance's metrics history", async () => {
    const admin = await newAdmin(server.app);
    const { client } = bearerClient(server.url, { accessToken: admin.accessToken });
    const history = await client.metrics.history();
    expect(history.intervalSeconds).toBe(60);
    expect(history.totals.signIns.success).toBeGreaterThanOrEqual(1);
    expect(history.samples.length).toBeGreaterThanOrEqual(1);
  });
});
