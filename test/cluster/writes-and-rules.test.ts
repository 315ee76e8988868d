import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterClient,
  clusterAdminKey,
  clusterCli,
  clusterClient,
  clusterEnv,
  clusterScript,
  newAccount,
} from '../helpers/cluster-client.js';

/**
 * The instances share one database: a rule changed through one applies on all at once (the
 * schema version is read per request), and an instance killed with SIGKILL mid-load loses no
 * write it acknowledged (each 2xx follows the commit), while the audit chain stays whole.
 */
const cluster = clusterEnv();
const signedIn = '@request.auth.id != ""';
let adminKey: string;
let client: ClusterClient;
beforeAll(async () => {
  adminKey = await clusterAdminKey(cluster);
  client = clusterClient(cluster);
});
afterAll(async () => {
  await client?.close();
  // Whatever happened, the next file finds three instances.
  await clusterScript('instance', 'start', '2');
});

async function newCollection(rules: Record<string, string | null>): Promise<string> {
  const name = `c_${randomBytes(4).toString('hex')}`;
  const fields = [{ name: 'title', type: 'text' }];
  const created = await client.proxy('POST', '/api/admin/collections', {
    token: adminKey,
    json: { name, fields, rules },
  });
  if (created.status !== 201) throw new Error(`collection: ${created.status} ${created.body}`);
  return name;
}

describe('one database behind three instances', () => {
  it('a rule changed through one instance applies at once on all', async () => {
    const name = await newCollection({ list: '', view: '' });
    const list = `/api/collections/${name}/records`;
    for (const index of [0, 1, 2]) expect((await client.direct(index, 'GET', list)).status).toBe(200);

    const changed = await client.direct(0, 'PATCH', `/api/admin/collections/${name}`, {
      token: adminKey,
      json: { rules: { list: null, view: null } },
    });
    expect(changed.status, changed.body).toBe(200);
    for (const index of [0, 1, 2]) {
      const refused = await client.direct(index, 'GET', list);
      expect(refused.status, `instance ${index + 1}: ${refused.body}`).toBe(403);
    }
  });

  it('an instance killed with SIGKILL under a steady write load loses no acknowledged write; the audit chain verifies', {
    timeout: 120_000,
  }, async () => {
    const name = await newCollection({ list: signedIn, view: signedIn, create: signedIn });
    const writer = await newAccount(client, 'writer');
    const acknowledged: string[] = [];
    let refused = 0;
    let sent = 0;
    let deniedAnswers = 0;
    let killed = false;
    // Four writers at once through the proxy, round-robin over the instances; instance 2 is
    // killed once 40 writes are acknowledged, and the load goes on for 80 more. Every fourth
    // round also sends a create the rule refuses (no token): each such refusal appends an audit
    // entry (`records.write.denied`) before its 403, so the audit chain grows on every instance
    // during the load and the kill, and `log verify` below checks a chain that was being written.
    const write = async () => {
      while (acknowledged.length < 120) {
        sent += 1;
        if (sent % 4 === 0) {
          const denied = await client
            .proxy('POST', `/api/collections/${name}/records`, { json: { title: `denied${sent}` } })
            .catch(() => undefined);
          if (denied?.status === 403) deniedAnswers += 1;
        }
        const answer = await client
          .proxy('POST', `/api/collections/${name}/records`, { token: writer.token, json: { title: `w${sent}` } })
          .catch(() => undefined);
        if (answer && answer.status >= 200 && answer.status < 300) acknowledged.push(answer.json().id);
        else refused += 1;
        if (!killed && acknowledged.length >= 40) {
          killed = true;
          await clusterScript('instance', 'kill', '2');
        }
      }
    };
    await Promise.all([write(), write(), write(), write()]);
    expect(killed).toBe(true);

    const stored = new Set<string>();
    for (let page = 1; ; page++) {
      const listed = await client.proxy('GET', `/api/collections/${name}/records?perPage=100&page=${page}`, {
        token: writer.token,
      });
      expect(listed.status, listed.body).toBe(200);
      for (const item of listed.json().items) stored.add(item.id);
      if (page >= listed.json().totalPages) break;
    }
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Only writes HAProxy had sent to the dying instance may have failed; none may be stored twice.
    expect(stored.size).toBeLessThanOrEqual(acknowledged.length + refused);

    // Every refusal answered with a 403 was audited first: all are in the log, none lost.
    expect(deniedAnswers).toBeGreaterThan(10);
    const audited = await client.proxy(
      'GET',
      '/api/admin/audit?event=records.write.denied&perPage=500&skipTotal=true',
      { token: adminKey },
    );
    expect(audited.status, audited.body).toBe(200);
    const entries = (audited.json().items as Array<{ details: { collection?: string } }>).filter(
      (entry) => entry.details.collection === name,
    );
    expect(entries.length).toBeGreaterThanOrEqual(deniedAnswers);

    await clusterScript('instance', 'start', '2');
    const verified = await clusterCli(cluster, ['log', 'verify'], undefined, 1);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
