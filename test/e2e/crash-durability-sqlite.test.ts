// @module-tag slow (starts the real binary twice and kills it with SIGKILL)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { useServeFixture } from '../helpers/serve-fixture.js';
import { testDialect } from '../helpers/test-app.js';

/**
 * Issue 22 item 6: on one machine (SQLite, WAL, synchronous=NORMAL), `kill -9` of the server
 * under a steady write load loses no write it acknowledged. Every record create answered with a
 * 2xx carries the new id; after the kill and a restart on the same data folder, each of those
 * ids is there with the values it was written with, and the audit chain verifies.
 * (PostgreSQL instances under the same test are the cluster's: issue 22 item 4.)
 */
const START_TIMEOUT_MS = 90_000;
/** Concurrent clients, each writing one record after another on its own connection. */
const CLIENTS = 6;
/** Acknowledged creates before the kill: enough that the load is in full swing when it lands. */
const ACKED_BEFORE_KILL = 300;
/** The records API's largest page. */
const PER_PAGE = 500;

const fixture = useServeFixture('bulwark-crash-');

const SCHEMA = {
  format: 'bulwark-schema',
  version: 1,
  collections: [
    {
      name: 'events',
      fields: [
        { name: 'client', type: 'number', required: true },
        { name: 'seq', type: 'number', required: true },
      ],
      // Anyone may create and read: the load needs no sign-in, and the check reads back as a guest.
      rules: { list: '', view: '', create: '', update: null, delete: null },
    },
  ],
};

interface Written {
  client: number;
  seq: number;
}

async function serve(): Promise<RunningServer> {
  // Loopback is allow-listed: six clients writing as fast as they can from one address would
  // otherwise meet the per-address rate limit, which is not what this test is about.
  const env = { ...fixture.env, BULWARK_ABUSE_ALLOW_LIST: '127.0.0.1/32' };
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', fixture.dataDir], env),
    START_TIMEOUT_MS,
  );
  fixture.running.push(server);
  return server;
}

/**
 * CLIENTS writers create records until the server is gone; once ACKED_BEFORE_KILL creates are
 * acknowledged, the server gets SIGKILL while the other writers' requests are in flight.
 */
async function writeUntilKilled(server: RunningServer) {
  const acknowledged = new Map<string, Written>();
  let inFlight = 0;
  let inFlightAtKill = -1;
  let killed: Promise<number | null> | undefined;
  const otherStatuses: number[] = [];
  const writer = async (client: number) => {
    for (let seq = 0; killed === undefined; seq += 1) {
      inFlight += 1;
      try {
        const response = await fetch(`${server.url}/api/collections/events/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client, seq }),
        });
        const body = (await response.json()) as { id?: string };
        if (response.ok && body.id) acknowledged.set(body.id, { client, seq });
        else otherStatuses.push(response.status);
      } catch {
        return; // the connection died with the server: this write was never acknowledged
      } finally {
        inFlight -= 1;
      }
      if (acknowledged.size >= ACKED_BEFORE_KILL && killed === undefined) {
        inFlightAtKill = inFlight;
        killed = server.stop('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, client) => writer(client)));
  return { acknowledged, inFlightAtKill, otherStatuses, exitCode: await killed };
}

/** Every record of `events`, read as a guest page by page. */
async function readAll(server: RunningServer): Promise<Map<string, Written>> {
  const records = new Map<string, Written>();
  for (let page = 1; ; page += 1) {
    const response = await fetch(`${server.url}/api/collections/events/records?perPage=${PER_PAGE}&page=${page}`);
    expect(response.status).toBe(200);
    const list = (await response.json()) as { items: Array<Written & { id: string }>; totalPages: number };
    for (const item of list.items) records.set(item.id, { client: item.client, seq: item.seq });
    if (page >= list.totalPages) return records;
  }
}

describe.skipIf(testDialect() === 'postgres')('kill -9 on SQLite', { timeout: 300_000 }, () => {
  it('every create acknowledged with a 2xx before SIGKILL is there after a restart, and the audit log verifies', async () => {
    const first = await serve();
    const schemaFile = join(fixture.dataDir, '..', 'schema.json');
    writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    const applied = await runCli(['schema', 'apply', schemaFile, '--data', fixture.dataDir], fixture.env);
    expect(applied.code, applied.stderr).toBe(0);

    const load = await writeUntilKilled(first);
    expect(load.exitCode).toBeNull(); // killed by the signal, not exited
    expect(load.otherStatuses).toEqual([]);
    expect(load.acknowledged.size).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
    // The kill landed mid-load: other writers' requests were under way.
    expect(load.inFlightAtKill).toBeGreaterThan(0);

    const second = await serve();
    const stored = await readAll(second);
    const missing = [...load.acknowledged.keys()].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    for (const [id, written] of load.acknowledged) expect(stored.get(id)).toEqual(written);
    expect(await second.stop('SIGTERM')).toBe(0);

    const verify = await runCli(['log', 'verify', '--data', fixture.dataDir], fixture.env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/audit log intact/);
  });
});
