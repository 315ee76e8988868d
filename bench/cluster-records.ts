import { clusterAdminKey, clusterClient, clusterEnv, newAccount } from '../test/helpers/cluster-client.js';
import { startLoadGenerator } from './harness/load-generator.js';
import { benchSettings } from './harness/settings.js';
import { median } from './harness/stats.js';

/**
 * The records list on the cluster of `scripts/cluster.sh up`: GET …/records?perPage=20 as one
 * user under `owner = @request.auth.id` (1,000 records over 5 users), HTTP/1.1 keep-alive,
 * against one instance straight (plain HTTP) and against the three instances through HAProxy
 * (TLS terminated there), on the same PostgreSQL. Rounds alternate the order; prints medians and
 * the ratio. The load comes from one process on the same machine as all the servers, so the
 * ratio says what the proxy and two more instances give on this machine's cores, not on three.
 * Not part of `npm run bench` (it needs the cluster). Asserts nothing.
 *
 * The cluster must let the load through: start it with
 *   BULWARK_ABUSE_ALLOW_LIST=127.0.0.1 BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE=1000000 scripts/cluster.sh up
 */
const RECORDS_PER_USER = 200;
const USERS = 5;
const settings = benchSettings({ seconds: 5, connections: 20 });
const cluster = clusterEnv();
if (!cluster.instanceEnv.BULWARK_ABUSE_ALLOW_LIST?.includes('127.0.0.1')) {
  throw new Error('start the cluster with BULWARK_ABUSE_ALLOW_LIST=127.0.0.1 (see bench/cluster-records.ts)');
}
// autocannon in the load child trusts the cluster's throwaway certificate (read at its start).
process.env.NODE_EXTRA_CA_CERTS = process.env.CLUSTER_CA;

const client = clusterClient(cluster, { address: '127.0.0.1' });
const adminKey = await clusterAdminKey(cluster);
const name = `bench_${Date.now()}`;
const own = '@request.auth.id != "" && owner = @request.auth.id';
const made = await client.proxy('POST', '/api/admin/collections', {
  token: adminKey,
  json: {
    name,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'text' },
    ],
    rules: { list: own, view: own, create: '@request.auth.id != "" && @request.body.owner = @request.auth.id' },
  },
});
if (made.status !== 201) throw new Error(`collection: ${made.status} ${made.body}`);
let token = '';
for (let user = 0; user < USERS; user++) {
  const account = await newAccount(client, 'bench');
  const me = (await client.proxy('GET', '/api/auth/me', { token: account.token })).json().user.id;
  for (let i = 0; i < RECORDS_PER_USER; i += 50) {
    const requests = Array.from({ length: 50 }, (_, k) => ({
      method: 'POST',
      url: `/api/collections/${name}/records`,
      body: { title: `note ${i + k}`, owner: me },
    }));
    const batch = await client.proxy('POST', '/api/batch', { token: account.token, json: { requests } });
    if (batch.status !== 200) throw new Error(`batch: ${batch.status} ${batch.body}`);
  }
  token = account.token;
}
await client.close();

const path = `/api/collections/${name}/records?perPage=20`;
const sides = [
  { name: 'one instance, direct (HTTP)', url: `http://127.0.0.1:${cluster.instancePorts[0]}${path}` },
  { name: 'three instances via HAProxy (TLS)', url: `${cluster.url}${path}` },
];
const generator = startLoadGenerator();
const results = new Map<string, Array<{ rps: number; p99: number; non2xx: number; errors: number }>>();
try {
  const headers = { authorization: `Bearer ${token}` };
  for (const side of sides)
    await generator.run({
      url: side.url,
      headers,
      connections: settings.connections,
      seconds: settings.warmupSeconds || 1,
    });
  for (let round = 0; round < settings.rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const result = await generator.run({
        url: side.url,
        headers,
        connections: settings.connections,
        seconds: settings.seconds,
      });
      const samples = results.get(side.name) ?? [];
      samples.push({ rps: result.requestsPerSecond, p99: result.p99Ms, non2xx: result.non2xx, errors: result.errors });
      results.set(side.name, samples);
    }
  }
} finally {
  generator.close();
}

const summary = sides.map((side) => {
  const samples = results.get(side.name) ?? [];
  return {
    name: side.name,
    rps: median(samples.map((s) => s.rps)),
    p99: median(samples.map((s) => s.p99)),
    failed: samples.reduce((sum, s) => sum + s.non2xx + s.errors, 0),
  };
});
const single = summary[0]?.rps ?? 0;
console.log(
  `\nrecords list, ${USERS * RECORDS_PER_USER} records over ${USERS} users, perPage=20, owner rule, bearer token`,
);
console.log(
  `${settings.rounds} rounds of ${settings.seconds}s, ${settings.connections} connections, medians; ${process.env.CLUSTER_URL}`,
);
console.log('| side | requests/s | p99 ms | non-2xx or errors | ratio to one instance |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const row of summary) {
  console.log(
    `| ${row.name} | ${row.rps.toFixed(0)} | ${row.p99.toFixed(1)} | ${row.failed} | ${(row.rps / single).toFixed(2)} |`,
  );
}
