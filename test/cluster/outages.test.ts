import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  type ClusterClient,
  clusterClient,
  clusterEnv,
  clusterScript,
  newAccount,
  PASSWORD,
} from '../helpers/cluster-client.js';

/**
 * PostgreSQL or Redis going away under a running cluster (the cluster's own servers: stopping a
 * shared one would hurt other test runs). With the database down every request that needs it
 * is a 503 with Retry-After, and once it is back the same processes serve again. With Redis down
 * the documented fail-closed behaviour (README, Shared state): sign-in-type routes 503, other
 * routes served on local limits, /api/ready naming redis.
 */
const cluster = clusterEnv();
let client: ClusterClient;
let account: { email: string; token: string };
beforeAll(async () => {
  client = clusterClient(cluster);
  account = await newAccount(client, 'outage');
});
afterAll(async () => {
  if (cluster.ownsServices) {
    await clusterScript('postgres', 'start').catch(() => undefined);
    await clusterScript('redis', 'start');
  }
  await client?.close();
});

const instancePids = () => [1, 2, 3].map((n) => readFileSync(join(cluster.dir, `instance${n}.pid`), 'utf8').trim());
const signIn = () => client.proxy('POST', '/api/auth/token', { json: { email: account.email, password: PASSWORD } });
const me = () => client.proxy('GET', '/api/auth/me', { token: account.token });

/** Repeats `attempt` until `done` holds (at most 60 times, 0.5 s apart): recovery is not timed. */
async function until(attempt: () => Promise<Answer>, done: (answer: Answer) => boolean): Promise<Answer> {
  let answer = await attempt();
  for (let i = 0; i < 60 && !done(answer); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    answer = await attempt();
  }
  return answer;
}

const expectUnavailable = (answer: Answer) => {
  expect(answer.status, answer.body).toBe(503);
  expect(Number(answer.headers['retry-after']), answer.body).toBeGreaterThan(0);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
};

describe.skipIf(!cluster.ownsServices)('outages of the cluster own servers', () => {
  it('PostgreSQL stopped: 503 with Retry-After on every instance; started again: served without restarting Bulwark', {
    timeout: 120_000,
  }, async () => {
    const pids = instancePids();
    expect((await me()).status).toBe(200);
    await clusterScript('postgres', 'stop');
    try {
      // Six requests: two per instance, round-robin.
      for (let i = 0; i < 6; i++) expectUnavailable(await me());
      expectUnavailable(await client.proxy('GET', '/api/ready'));
    } finally {
      await clusterScript('postgres', 'start');
    }
    const back = await until(me, (answer) => answer.status === 200);
    expect(back.status, back.body).toBe(200);
    for (let i = 0; i < 6; i++) expect((await me()).status).toBe(200);
    expect(instancePids()).toEqual(pids);
  });

  it('Redis stopped: sign-in refused with 503 and Retry-After, other routes served, /api/ready names redis', {
    timeout: 120_000,
  }, async () => {
    await clusterScript('redis', 'stop');
    try {
      for (let i = 0; i < 3; i++) {
        const refused = await signIn();
        expectUnavailable(refused);
        expect(refused.body).not.toContain('accessToken');
      }
      for (let i = 0; i < 3; i++) expect((await me()).status).toBe(200);
      const ready = await client.proxy('GET', '/api/ready');
      expectUnavailable(ready);
      expect(ready.json().detail).toMatch(/redis/);
    } finally {
      await clusterScript('redis', 'start');
    }
    const back = await until(signIn, (answer) => answer.status === 200);
    expect(back.status, back.body).toBe(200);
  });
});
