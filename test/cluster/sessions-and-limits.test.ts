import { afterAll, describe, expect, it } from 'vitest';
import {
  type ClusterClient,
  clusterClient,
  clusterEnv,
  instanceSetting,
  newAccount,
  PASSWORD,
  uniqueEmail,
} from '../helpers/cluster-client.js';

/**
 * Three instances behind HAProxy act as one server: a session or a revocation made on one holds
 * on all at once, and the counters behind throttles, bans and rate limits are shared (Redis), so
 * spreading an attack over the instances buys an attacker nothing. Each client below connects
 * from its own loopback address; HAProxy passes it on, and only its address is counted.
 */
const cluster = clusterEnv();
const clients: ClusterClient[] = [];
const newClient = () => {
  const client = clusterClient(cluster);
  clients.push(client);
  return client;
};
afterAll(() => Promise.all(clients.map((client) => client.close())));

describe('sessions across instances', () => {
  it('a token issued through the proxy works on every instance, and a logout on one is refused at once on all', async () => {
    const client = newClient();
    const { email, token } = await newAccount(client, 'roaming');
    for (const index of [0, 1, 2]) {
      const me = await client.direct(index, 'GET', '/api/auth/me', { token });
      expect(me.status, `instance ${index + 1}: ${me.body}`).toBe(200);
      expect(me.json().user.email).toBe(email);
    }
    expect((await client.direct(1, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    for (const index of [0, 1, 2]) {
      expect((await client.direct(index, 'GET', '/api/auth/me', { token })).status, `instance ${index + 1}`).toBe(401);
    }
    expect((await client.proxy('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('the instances see the client address HAProxy saw, not the proxy nor a forged X-Forwarded-For', async () => {
    const client = newClient();
    const email = uniqueEmail('forwarded');
    const forged = { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.8', 'x-real-ip': '203.0.113.9' };
    expect((await client.proxy('POST', '/api/auth/register', { json: { email, password: PASSWORD } })).status).toBe(
      201,
    );
    const issued = await client.proxy('POST', '/api/auth/token', {
      json: { email, password: PASSWORD },
      headers: forged,
    });
    expect(issued.status, issued.body).toBe(200);
    const sessions = await client.proxy('GET', '/api/auth/sessions', { token: issued.json().accessToken });
    expect(sessions.status, sessions.body).toBe(200);
    expect(sessions.json().items.map((item: { ip: string }) => item.ip)).toEqual([client.address]);
  });
});

describe('throttles, bans and rate limits across instances', () => {
  const failedSignIn = (client: ClusterClient, email: string) =>
    client.proxy('POST', '/api/auth/token', { json: { email, password: 'not the password at all 1' } });

  it('failed sign-ins spread over the instances lock the account on all of them', async () => {
    const attacker = newClient();
    const { email } = await newAccount(newClient(), 'locked');
    const limit = instanceSetting(cluster, 'BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT', 5);
    for (let i = 0; i < limit; i++) expect((await failedSignIn(attacker, email)).status).toBe(401);
    // The owner, from an address of their own, on every instance: the right password is refused.
    const owner = newClient();
    for (let i = 0; i < 3; i++) {
      const refused = await owner.proxy('POST', '/api/auth/token', { json: { email, password: PASSWORD } });
      expect(refused.status, refused.body).toBe(429);
      expect(refused.json().code).toBe('ABUSE_ACCOUNT_THROTTLED');
    }
  });

  it('an address banned for failed sign-ins on some instances is refused by all, and no one else is', async () => {
    const attacker = newClient();
    const limit = instanceSetting(cluster, 'BULWARK_ABUSE_BAN_FAILURE_LIMIT', 20);
    for (let i = 0; i < limit; i++) expect((await failedSignIn(attacker, uniqueEmail('nobody'))).status).toBe(401);
    // Round-robin: six requests reach each instance twice.
    for (let i = 0; i < 6; i++) {
      const refused = await attacker.proxy('GET', '/api/auth/me');
      expect(refused.status, refused.body).toBe(403);
      expect(refused.json().code).toBe('ABUSE_BANNED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await newClient().proxy('GET', '/api/auth/me')).status).toBe(401);
  });

  it('one address gets its per-minute budget once, not once per instance', async () => {
    const client = newClient();
    const budget = instanceSetting(cluster, 'BULWARK_ABUSE_API_REQUESTS_PER_MINUTE', 600);
    const statuses: number[] = [];
    // In rounds of 20 at once over one HTTP/2 connection, spread round-robin over the instances.
    for (let sent = 0; sent < budget; sent += 20) {
      const round = Array.from({ length: Math.min(20, budget - sent) }, () => client.proxy('GET', '/api/auth/me'));
      statuses.push(...(await Promise.all(round)).map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status !== 401)).toEqual([]);
    const over = await client.proxy('GET', '/api/auth/me');
    expect(over.status, over.body).toBe(429);
    expect(over.json().code).toBe('ABUSE_RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await newClient().proxy('GET', '/api/auth/me')).status).toBe(401);
  });
});
