import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  auditEntries,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { createTestApp, type RestartableTestApp, type TestApp } from '../helpers/test-app.js';
import {
  type ReceivedDelivery,
  startWebhookReceiver,
  verifyStandardWebhook,
  type WebhookReceiver,
  waitUntil,
} from '../helpers/webhook-receiver.js';
import { deliveryLog, registerWebhook, webhooksApi } from '../helpers/webhooks-client.js';

/**
 * Signed, retried, durable deliveries (issue 15 item 4): a receiver on loopback, allow-listed
 * for the test, checks every signature with a verifier written from the Standard Webhooks
 * specification; a receiver that is down for a while still gets every event exactly once;
 * events queued before a restart are delivered after it; the log shows attempts, status and
 * latency. Retry delays are kept small through configuration.
 */
const ENV = {
  BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
  BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
  BULWARK_WEBHOOKS_POLL_INTERVAL_MS: '25',
  BULWARK_WEBHOOKS_RETRY_BASE_MS: '20',
  BULWARK_WEBHOOKS_RETRY_MAX_MS: '200',
  BULWARK_WEBHOOKS_MAX_ATTEMPTS: '12',
};

interface Envelope {
  type: string;
  timestamp: string;
  data: { collection?: string; record?: Record<string, unknown>; user?: { id: string } };
}
/** The receiver sees a delivery before its outcome is recorded: wait until the log has caught up. */
async function settledLog(app: TestApp, admin: Account, webhookId: string, count: number) {
  await waitUntil(async () => {
    const log = await deliveryLog(app, admin, webhookId);
    return log.length === count && log.every((line) => line.status !== 'pending');
  }, `the log shows ${count} settled deliveries`);
  return deliveryLog(app, admin, webhookId);
}

const envelope = (delivery: ReceivedDelivery) => JSON.parse(delivery.body) as Envelope;
const idOf = (delivery: Pick<ReceivedDelivery, 'headers'>) => String(delivery.headers['webhook-id']);

describe('webhook deliveries', () => {
  let app: RestartableTestApp;
  let admin: Account;
  let receiver: WebhookReceiver;
  let notes: string;

  /** A webhook for `events` on a path of its own at the receiver. */
  const hookOn = async (target: TestApp, events: string[]) => {
    const path = `/${uniqueName('in')}`;
    return { path, ...(await registerWebhook(target, admin, { url: `${receiver.url}${path}`, events })) };
  };
  const newNote = (target: TestApp, title: string) => createRecord(target, notes, admin.headers, { title });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await createTestApp({ logLevel: 'silent', env: ENV });
    await app.start();
    admin = await newAdmin(app);
    notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: notes,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'note', type: 'text', hidden: true },
        { name: 'pin', type: 'text', encrypted: true },
      ],
      rules: {},
    });
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('signs every delivery (Standard Webhooks); the receiver’s check refuses a tampered body or another secret', async () => {
    const hook = await hookOn(app, ['record.*', 'user.*']);
    const record = await createRecord(app, notes, admin.headers, {
      title: 'first',
      note: 'hidden-note-value',
      pin: 'encrypted-pin-value',
    });
    expect((await recordsApi(app, notes).update(admin.headers, record.id, { title: 'second' })).statusCode).toBe(200);
    expect((await recordsApi(app, notes).remove(admin.headers, record.id)).statusCode).toBe(204);
    const user = await newUser(app, 'hooked');
    const wanted = ['record.created', 'record.updated', 'record.deleted', 'user.registered', 'user.signed_in'];
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= wanted.length, 'five events arrive');

    const received = receiver.receivedAt(hook.path);
    expect(received.map((d) => envelope(d).type).sort()).toEqual([...wanted].sort());
    for (const delivery of received) {
      expect(verifyStandardWebhook(hook.secret, delivery.headers, delivery.body)).toBe(true);
      expect(verifyStandardWebhook(hook.secret, delivery.headers, delivery.body.replace('}', ',"x":1}'))).toBe(false);
      const otherSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
      expect(verifyStandardWebhook(otherSecret, delivery.headers, delivery.body)).toBe(false);
      expect(delivery.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Bulwark-Webhooks' });
      expect(idOf(delivery)).toMatch(/^msg_[0-9a-f]{32}$/);
      // Hidden fields and the plaintext of encrypted ones never leave in an event.
      expect(delivery.body).not.toContain('hidden-note-value');
      expect(delivery.body).not.toContain('encrypted-pin-value');
      expect(delivery.body).not.toContain('enc:v1:');
    }
    const byType = new Map(received.map((d) => [envelope(d).type, envelope(d).data]));
    expect(byType.get('record.created')).toEqual({
      collection: notes,
      record: { id: record.id, created: record.created, updated: record.updated, title: 'first' },
    });
    expect(byType.get('record.updated')?.record).toMatchObject({ id: record.id, title: 'second' });
    expect(byType.get('record.deleted')?.record).toMatchObject({ id: record.id, title: 'second' });
    expect(byType.get('user.registered')).toEqual({ user: { id: user.id } });
    expect(byType.get('user.signed_in')).toEqual({ user: { id: user.id } });

    const log = await settledLog(app, admin, hook.id, wanted.length);
    for (const line of log) {
      expect(line).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        lastStatus: 204,
        lastError: null,
        nextAttempt: null,
      });
      expect(line.latencyMs).toEqual(expect.any(Number));
    }
  });

  it('a receiver answering 503 for a while still gets every event exactly once, with the same id on every attempt', async () => {
    const hook = await hookOn(app, ['record.created']);
    const failures = new Map<string, number>();
    receiver.answer(hook.path, (delivery) => {
      const seen = failures.get(idOf(delivery)) ?? 0;
      failures.set(idOf(delivery), seen + 1);
      return seen < 2 ? 503 : 200;
    });
    for (const title of ['a', 'b', 'c', 'd', 'e']) await newNote(app, title);
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= 5, 'five events accepted');

    const accepted = receiver.acceptedIds(hook.path);
    expect(new Set(accepted).size).toBe(5);
    expect(accepted).toHaveLength(5);
    for (const id of accepted) expect(receiver.receivedAt(hook.path).filter((d) => idOf(d) === id)).toHaveLength(3);
    const log = await settledLog(app, admin, hook.id, 5);
    expect(log.map((line) => [line.status, line.attempts, line.lastStatus])).toEqual(
      Array.from({ length: 5 }, () => ['succeeded', 3, 200]),
    );
  });

  it('a receiver that is not listening gets every event once it is back', async () => {
    const down = await startWebhookReceiver();
    const created = await registerWebhook(app, admin, { url: `${down.url}/back`, events: ['record.created'] });
    await down.close();
    for (const title of ['x', 'y', 'z']) await newNote(app, title);
    await waitUntil(async () => {
      const log = await deliveryLog(app, admin, created.id);
      return log.length === 3 && log.every((line) => line.attempts >= 1);
    }, 'every delivery has failed once');
    const log = await deliveryLog(app, admin, created.id);
    expect(log.every((line) => line.status === 'pending' && line.lastError === 'network' && line.nextAttempt)).toBe(
      true,
    );
    await down.listen();
    try {
      await waitUntil(() => down.acceptedIds('/back').length >= 3, 'three events accepted');
      expect(new Set(down.acceptedIds('/back')).size).toBe(3);
      expect((await settledLog(app, admin, created.id, 3)).map((line) => line.status)).toEqual(
        Array.from({ length: 3 }, () => 'succeeded'),
      );
    } finally {
      await down.close();
    }
  });

  it('events written before a restart are delivered after it', async () => {
    const hook = await hookOn(app, ['record.created']);
    // A server that never sends (stopped before its worker ran) writes the events...
    const writer = await app.restart();
    app = writer;
    for (const title of ['before-1', 'before-2', 'before-3']) await newNote(writer, title);
    const queued = await deliveryLog(writer, admin, hook.id);
    expect(queued.map((line) => [line.status, line.attempts])).toEqual(Array.from({ length: 3 }, () => ['pending', 0]));
    expect(receiver.receivedAt(hook.path)).toHaveLength(0);
    // ...and the next process sends them.
    app = await writer.restart();
    await app.start();
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= 3, 'three events accepted after the restart');
    expect(new Set(receiver.acceptedIds(hook.path)).size).toBe(3);
    expect(
      receiver
        .receivedAt(hook.path)
        .map((d) => envelope(d).data.record?.title)
        .sort(),
    ).toEqual(['before-1', 'before-2', 'before-3']);
  });

  it('stopping waits for the attempt under way and records it: the next process does not send it again', async () => {
    const hook = await hookOn(app, ['record.created']);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    receiver.answer(hook.path, async () => {
      arrived();
      await held;
      return 200;
    });
    await newNote(app, 'in flight');
    await arrival;
    const restarting = app.restart();
    // The answer comes while the server is stopping; without waiting for it, the database would
    // close first and the attempt would stay claimed, to be sent again after its lease.
    setTimeout(release, 100);
    app = await restarting;
    expect((await deliveryLog(app, admin, hook.id))[0]).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatus: 200,
    });
    await app.start();
    receiver.answer(hook.path, () => 200);
    await newNote(app, 'after the restart');
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= 2, 'the next event arrives');
    expect(receiver.receivedAt(hook.path)).toHaveLength(2);
  });

  it('gives a delivery up after maxAttempts: marked dead and audited', async () => {
    const hook = await hookOn(app, ['user.deleted']);
    receiver.answer(hook.path, () => 500);
    const test = await webhooksApi(app).test(admin.headers, hook.id);
    expect(test.statusCode).toBe(202);
    const { deliveryId } = test.json();
    await waitUntil(async () => (await deliveryLog(app, admin, hook.id))[0]?.status === 'dead', 'the delivery is dead');
    expect((await deliveryLog(app, admin, hook.id))[0]).toMatchObject({
      id: deliveryId,
      event: 'webhook.test',
      attempts: 12,
      lastStatus: 500,
      lastError: 'http-500',
      nextAttempt: null,
    });
    expect(receiver.receivedAt(hook.path).map(idOf)).toEqual(Array.from({ length: 12 }, () => deliveryId));
    const deadFor = async () =>
      (await auditEntries(app, 'webhook.delivery.dead')).filter((entry) => entry.details.deliveryId === deliveryId);
    await waitUntil(async () => (await deadFor()).length > 0, 'the dead delivery is audited');
    const dead = await deadFor();
    expect(dead).toHaveLength(1);
    expect(dead.find((entry) => entry.details.deliveryId === deliveryId)?.details).toMatchObject({
      webhookId: hook.id,
      event: 'webhook.test',
      attempts: 12,
      lastError: 'http-500',
    });
    expect(JSON.stringify(dead)).not.toContain(hook.secret.slice('whsec_'.length));
  });

  it('a webhook whose sealed secret was tampered with in the database sends nothing: failed and audited', async () => {
    const hook = await hookOn(app, ['record.created']);
    const stored = await app.database.db
      .selectFrom('webhooks')
      .select('secret_sealed')
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    const bytes = Buffer.from(stored.secret_sealed, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    await app.database.db
      .updateTable('webhooks')
      .set({ secret_sealed: bytes.toString('base64') })
      .where('id', '=', hook.id)
      .execute();
    const { deliveryId } = (await webhooksApi(app).test(admin.headers, hook.id)).json();
    const log = await settledLog(app, admin, hook.id, 1);
    expect(log[0]).toMatchObject({ id: deliveryId, status: 'failed', lastError: 'secret-unreadable', attempts: 1 });
    expect(receiver.receivedAt(hook.path)).toHaveLength(0);
    await waitUntil(
      async () =>
        (await auditEntries(app, 'webhook.secret.unreadable')).some((e) => e.details.deliveryId === deliveryId),
      'the unreadable secret is audited',
    );
  });

  it('finished deliveries older than the log retention are deleted; pending ones are kept', async () => {
    const hook = await hookOn(app, ['record.created']);
    const old = Date.now() - 31 * 86_400_000;
    const row = (id: string, status: 'succeeded' | 'dead' | 'pending', updatedMs: number) => ({
      id,
      webhook_id: hook.id,
      event: 'record.created',
      payload: '{}',
      status,
      attempts: 1,
      // The pending one waits for a later attempt, so it stays pending through this test.
      next_attempt_ms: Date.now() + 3_600_000,
      claim_token: null,
      claimed_until_ms: null,
      last_status: null,
      last_latency_ms: null,
      last_error: null,
      created_ms: old,
      updated_ms: updatedMs,
    });
    await app.database.db
      .insertInto('webhook_deliveries')
      .values([
        row('msg_old_succeeded', 'succeeded', old),
        row('msg_old_dead', 'dead', old),
        row('msg_old_pending', 'pending', old),
        row('msg_recent_succeeded', 'succeeded', Date.now() - 29 * 86_400_000),
      ])
      .execute();
    // Each instance prunes at its start, before its first delivery.
    app = await app.restart();
    await app.start();
    const { deliveryId } = (await webhooksApi(app).test(admin.headers, hook.id)).json();
    await waitUntil(() => receiver.acceptedIds(hook.path).includes(deliveryId), 'the test event arrives');
    const ids = (await deliveryLog(app, admin, hook.id)).map((line) => line.id).sort();
    expect(ids).toEqual(['msg_old_pending', 'msg_recent_succeeded', deliveryId].sort());
  });

  it('a delivery claimed by an instance that died is sent once its lease runs out, not before', async () => {
    const hook = await hookOn(app, ['record.created']);
    const nowMs = Date.now();
    const row = (id: string, claimedUntilMs: number) => ({
      id,
      webhook_id: hook.id,
      event: 'record.created',
      payload: JSON.stringify({ type: 'record.created', timestamp: new Date(nowMs).toISOString(), data: { id } }),
      status: 'pending' as const,
      attempts: 0,
      next_attempt_ms: nowMs - 1000,
      claim_token: 'instance-that-died',
      claimed_until_ms: claimedUntilMs,
      last_status: null,
      last_latency_ms: null,
      last_error: null,
      created_ms: nowMs - 1000,
      updated_ms: nowMs - 1000,
    });
    await app.database.db
      .insertInto('webhook_deliveries')
      .values([row('msg_lapsed', nowMs - 1), row('msg_held', nowMs + 3_600_000)])
      .execute();
    const later = await newNote(app, 'after the crash');
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= 2, 'the lapsed claim and the new event arrive');
    expect(receiver.acceptedIds(hook.path)).toContain('msg_lapsed');
    expect(receiver.acceptedIds(hook.path)).not.toContain('msg_held');
    expect(receiver.receivedAt(hook.path).map((d) => envelope(d).data.record?.id)).toContain(later.id);
  });

  it('many simultaneous record writes each queue their event, without exhausting the connection pool', async () => {
    const hook = await hookOn(app, ['record.created']);
    // More writes at once than the PostgreSQL pool has connections (10): each write's own
    // transaction must be enough to queue its event.
    const created = await Promise.all(Array.from({ length: 24 }, (_, i) => newNote(app, `burst-${i}`)));
    await waitUntil(() => receiver.acceptedIds(hook.path).length >= created.length, 'every event of the burst arrives');
    expect(new Set(receiver.acceptedIds(hook.path)).size).toBe(created.length);
  });

  it('two instances on one database never send the same delivery twice', async () => {
    const hook = await hookOn(app, ['record.created']);
    const second = await app.secondInstance();
    await second.start();
    try {
      for (let i = 0; i < 20; i += 1) await newNote(i % 2 === 0 ? app : second, `n${i}`);
      await waitUntil(() => receiver.acceptedIds(hook.path).length >= 20, 'twenty events accepted');
      expect((await settledLog(app, admin, hook.id, 20)).every((line) => line.status === 'succeeded')).toBe(true);
      expect(receiver.receivedAt(hook.path)).toHaveLength(20);
      expect(new Set(receiver.acceptedIds(hook.path)).size).toBe(20);
    } finally {
      await second.close();
    }
  });
});
