import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterClient,
  clusterAdminKey,
  clusterClient,
  clusterEnv,
  freshLoopbackAddress,
  uniqueEmail,
} from '../helpers/cluster-client.js';
import { ATTACKS, exchange, front, signUpRequest } from '../helpers/smuggling-probes.js';

/**
 * ASVS V4.2.1 through the deployment of deploy/haproxy: the probes test/attacks/request-smuggling
 * sends straight at Bulwark, sent over TLS to HAProxy. HAProxy refuses most of them itself (its
 * own 400); others it reads one unambiguous way and forwards re-framed. Either way, HAProxy and
 * Bulwark must agree where each request ends: a smuggled sign-up (an account appearing) never
 * runs without its answer going back to the connection that sent it, and clients after the
 * attack get their own answers.
 */
const cluster = clusterEnv();
const port = Number(new URL(cluster.url).port);
let adminKey: string;
let admin: ClusterClient;
let victim: ClusterClient;
beforeAll(async () => {
  adminKey = await clusterAdminKey(cluster);
  admin = clusterClient(cluster);
  // HTTP/1.1 to the proxy, each request free to take any server connection HAProxy holds.
  victim = clusterClient(cluster, { h2: false });
});
afterAll(() => Promise.all([admin?.close(), victim?.close()]));

const overTls = (bytes: string) =>
  exchange(bytes, () =>
    tlsConnect({
      socket: connect({ host: '127.0.0.1', port, localAddress: freshLoopbackAddress() }),
      ca: cluster.ca,
      servername: 'localhost',
      ALPNProtocols: ['http/1.1'],
    }),
  );

async function accountExists(email: string): Promise<boolean> {
  const found = await admin.proxy('GET', `/api/admin/users?email=${encodeURIComponent(email)}`, { token: adminKey });
  if (found.status !== 200) throw new Error(`users: ${found.status} ${found.body}`);
  return found.json().items.some((user: { email: string }) => user.email === email);
}

describe('V4.2.1 request smuggling through HAProxy (TLS, HTTP/1.1)', () => {
  it('the probe works: a well-framed pipelined sign-up through the proxy is answered and executed', async () => {
    const email = uniqueEmail('pipelined');
    const result = await overTls(`${front([], '', 'GET /api/health HTTP/1.1')}${signUpRequest(email)}`);
    expect(result.statuses, result.text).toEqual([200, 201]);
    expect(await accountExists(email)).toBe(true);
  });

  it.each(ATTACKS)(
    '%s: refused, or framed alike by HAProxy and Bulwark; other clients unaffected',
    async (_name, build) => {
      const email = uniqueEmail('smuggled');
      const result = await overTls(build(signUpRequest(email)));
      // Only refusals and the front request's own answers (POST /api/health: 405), plus the
      // sign-up's 201 when HAProxy read it as a request of this connection.
      expect(result.statuses.length, result.text).toBeGreaterThan(0);
      expect(
        result.statuses.filter((status) => ![400, 405, 201].includes(status)),
        result.text,
      ).toEqual([]);
      // The sign-up ran if and only if its answer came back to its sender: had HAProxy forwarded
      // bytes Bulwark framed differently, it would run unanswered (its answer queued for the next
      // request on that server connection).
      expect(await accountExists(email), result.text).toBe(result.statuses.includes(201));
      // HAProxy reuses server connections between clients: a desync left behind would answer
      // another client's request with the smuggled request's answer.
      const victims = await Promise.all([1, 2, 3, 4, 5, 6].map(() => victim.proxy('GET', '/api/health')));
      expect(victims.map((answer) => [answer.status, answer.body])).toEqual(
        victims.map(() => [200, '{"status":"ok"}']),
      );
    },
  );
});
