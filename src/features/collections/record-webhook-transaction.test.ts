import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  rawRows,
  recordsApi,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { registerWebhook } from '../../../test/helpers/webhooks-client.js';

/**
 * A single record write and the webhook event it queues commit together or not at all, on
 * SQLite as on PostgreSQL: when queueing the event fails (here a trigger refuses the delivery
 * row), the write is answered 500 and is not there afterwards, so no change ever goes out
 * unannounced to the application's webhooks.
 */
describe('a record write and its queued webhook: one transaction', () => {
  const app = useTestApp({ logLevel: 'silent' });
  let admin: Account;
  let name: string;
  const rows = async () => (await rawRows(app, `c_${name}`)) ?? [];
  const deliveries = async () => (await rawRows(app, 'webhook_deliveries')) ?? [];

  /** Makes every insert into webhook_deliveries fail, as a full disk or a lost connection would. */
  const refuseDeliveries = async () => {
    const db = app.database.db;
    if (app.database.dialect === 'postgres') {
      await sql`CREATE FUNCTION refuse_delivery() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`.execute(
        db,
      );
      await sql`CREATE TRIGGER refuse_delivery BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION refuse_delivery()`.execute(
        db,
      );
    } else {
      await sql`CREATE TRIGGER refuse_delivery BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`.execute(
        db,
      );
    }
  };
  const allowDeliveries = async () => {
    const db = app.database.db;
    if (app.database.dialect === 'postgres') {
      await sql`DROP TRIGGER refuse_delivery ON webhook_deliveries`.execute(db);
      await sql`DROP FUNCTION refuse_delivery()`.execute(db);
    } else {
      await sql`DROP TRIGGER refuse_delivery`.execute(db);
    }
  };

  beforeAll(async () => {
    admin = await newAdmin(app);
    name = uniqueName('announced');
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules: {} });
    await registerWebhook(app, admin, { url: 'https://hooks.example.com/records', events: ['record.*'] });
  });

  it('rolls the record back when its event cannot be queued, and commits both once it can', async () => {
    const kept = await createRecord(app, name, admin.headers, { title: 'kept' });
    expect(await deliveries()).toHaveLength(1);

    await refuseDeliveries();
    try {
      const created = await recordsApi(app, name).create(admin.headers, { title: 'unannounced' });
      expect(created.statusCode).toBe(500);
      expect(created.body).not.toContain('refused by the test');
      const updated = await recordsApi(app, name).update(admin.headers, kept.id, { title: 'changed' });
      expect(updated.statusCode).toBe(500);
      const removed = await recordsApi(app, name).remove(admin.headers, kept.id);
      expect(removed.statusCode).toBe(500);
    } finally {
      await allowDeliveries();
    }
    // Nothing of the three writes is stored: the record is as it was, and alone.
    expect((await rows()).map((row) => [row.id, row.title])).toEqual([[kept.id, 'kept']]);
    expect(await deliveries()).toHaveLength(1);

    await createRecord(app, name, admin.headers, { title: 'announced' });
    expect(await rows()).toHaveLength(2);
    expect(await deliveries()).toHaveLength(2);
  });
});
