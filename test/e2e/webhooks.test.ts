// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { describe, expect, it } from 'vitest';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { useServeFixture } from '../helpers/serve-fixture.js';
import { startWebhookReceiver, verifyStandardWebhook, waitUntil } from '../helpers/webhook-receiver.js';

/**
 * The README's webhook flow on the real binary (issue 15 "Done when"): an administrator
 * registers a receiver, record writes are delivered signed, and events the receiver could not
 * take before the server was stopped (SIGTERM) are delivered by the next `serve` on the data.
 */
const PASSWORD = 'correct horse battery staple 42';
const START_TIMEOUT_MS = 90_000;
const fixture = useServeFixture('bulwark-hooks-');

async function serve(): Promise<RunningServer> {
  const env = {
    ...fixture.env,
    // The receiver is on loopback: allowed on purpose, as an operator would for an internal one.
    BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
    BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
    BULWARK_WEBHOOKS_POLL_INTERVAL_MS: '50',
    BULWARK_WEBHOOKS_RETRY_BASE_MS: '20',
    BULWARK_WEBHOOKS_RETRY_MAX_MS: '200',
    BULWARK_WEBHOOKS_MAX_ATTEMPTS: '50',
    // One password sign-in is a full one here; second factors are tested elsewhere.
    BULWARK_AUTH_MFA_REQUIRED_FOR_ADMINS: 'false',
  };
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', fixture.dataDir], env),
    START_TIMEOUT_MS,
  );
  fixture.running.push(server);
  return server;
}

async function call(server: RunningServer, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

describe('webhooks on the real server', () => {
  it('delivers signed events, and after a stop with some undelivered, the next start sends them', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await runCli(
        ['admin', 'create', '--email', 'admin@example.com', '--data', fixture.dataDir, '--init'],
        fixture.env,
        `${PASSWORD}\n`,
      );
      expect(created.code, created.stderr).toBe(0);
      let server = await serve();
      const signIn = await call(server, 'POST', '/api/auth/token', undefined, {
        email: 'admin@example.com',
        password: PASSWORD,
      });
      const token = String(signIn.body.accessToken);
      const hook = await call(server, 'POST', '/api/admin/webhooks', token, {
        url: `${receiver.url}/in`,
        events: ['record.*'],
      });
      expect(hook.status).toBe(201);
      const secret = String(hook.body.secret);
      const collection = await call(server, 'POST', '/api/admin/collections', token, {
        name: 'notes',
        fields: [{ name: 'title', type: 'text' }],
      });
      expect(collection.status).toBe(201);

      const note = (title: string) => call(server, 'POST', '/api/collections/notes/records', token, { title });
      expect((await note('delivered at once')).status).toBe(201);
      await waitUntil(() => receiver.acceptedIds('/in').length === 1, 'the first event arrives');

      // The receiver is down while two more notes are written and the server stops.
      receiver.answer('/in', () => 503);
      expect((await note('queued 1')).status).toBe(201);
      expect((await note('queued 2')).status).toBe(201);
      const refusedIds = () =>
        new Set(receiver.received.filter((d) => d.answered === 503).map((d) => d.headers['webhook-id']));
      await waitUntil(() => refusedIds().size === 2, 'both queued events were tried');
      expect(await server.stop()).toBe(0);

      receiver.answer('/in', () => 204);
      server = await serve();
      await waitUntil(() => receiver.acceptedIds('/in').length === 3, 'the queued events arrive after the restart');
      const accepted = receiver.received.filter((d) => d.answered === 204 || d.answered === 200);
      expect(new Set(accepted.map((d) => d.headers['webhook-id'])).size).toBe(3);
      for (const delivery of receiver.received) {
        expect(verifyStandardWebhook(secret, delivery.headers, delivery.body)).toBe(true);
      }
      const titles = accepted.map(
        (d) => (JSON.parse(d.body) as { data: { record: { title: string } } }).data.record.title,
      );
      expect(titles.sort()).toEqual(['delivered at once', 'queued 1', 'queued 2']);
      expect(await server.stop()).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
