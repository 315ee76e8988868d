import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAN_SYNC_INTERVAL_MS, removeExpiredAbuseState } from '../../src/stores/index.js';
import { OTHER_PASSWORD, PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import {
  type LoopbackClient,
  type LoopbackResponse,
  loopbackClient,
  retryAfterSeconds,
  sleep,
} from '../helpers/loopback-client.js';
import { createTestApp, type RestartableTestApp, testDialect } from '../helpers/test-app.js';

/**
 * An attacker who can make the server restart (a crash, a deploy, an out-of-memory kill) must
 * not get a fresh set of guesses from it. Without Redis, account locks, bans and the failure
 * counts that lead to them are kept in the database: the app is stopped and a new one created
 * on the same data folder (and on PostgreSQL the same schema), and every lock still holds, with
 * the time it had left, until it runs out by itself. On PostgreSQL two instances on one database
 * agree on them without Redis.
 */

const ACCOUNT_FAILURE_LIMIT = 3;
const BAN_FAILURE_LIMIT = 4;
const LOCK_SECONDS = 10;
const BAN_SECONDS = 10;
const BAN_WINDOW_SECONDS = 10;

const ENV = {
  BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: String(ACCOUNT_FAILURE_LIMIT),
  BULWARK_ABUSE_ACCOUNT_LOCK_SECONDS: String(LOCK_SECONDS),
  BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_FAILURE_LIMIT),
  BULWARK_ABUSE_BAN_SECONDS: String(BAN_SECONDS),
  BULWARK_ABUSE_BAN_WINDOW_SECONDS: String(BAN_WINDOW_SECONDS),
};

function expectProblem(response: LoopbackResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe(code);
}

function expectThrottled(response: LoopbackResponse): void {
  expectProblem(response, 429, 'ABUSE_ACCOUNT_THROTTLED');
  expect(retryAfterSeconds(response)).toBeLessThanOrEqual(LOCK_SECONDS);
}

function expectBanned(response: LoopbackResponse): void {
  expectProblem(response, 403, 'ABUSE_BANNED');
  expect(retryAfterSeconds(response)).toBeLessThanOrEqual(BAN_SECONDS);
}

/** Clients of one app, each address used once so no address reaches the ban limit by accident. */
function clientsOf(url: string) {
  let next = 10;
  return { fresh: (): LoopbackClient => loopbackClient(url, `127.0.1.${next++}`) };
}

const signIn = (client: LoopbackClient, email: string, password: string) =>
  client.post('/api/auth/login', { email, password });

async function registerUser(client: LoopbackClient, email: string): Promise<void> {
  const response = await client.post('/api/auth/register', { email, password: PASSWORD });
  expect(response.status, response.text).toBe(201);
}

/** Fails sign-in `times` times from `client`, each for a different unknown account. */
async function failFromAddress(client: LoopbackClient, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    expectProblem(await signIn(client, uniqueEmail('guess'), OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
  }
}

describe(`sign-in locks and bans across a restart (${testDialect()}, no Redis)`, () => {
  let app: RestartableTestApp;
  let url: string;
  beforeAll(async () => {
    app = await createTestApp({ env: ENV });
    url = await app.start();
  });
  afterAll(() => app.close());

  const restart = async () => {
    app = await app.restart();
    url = await app.start();
  };

  it('keeps the failure count, the account lock and the ban through restarts, then lifts them when they run out', async () => {
    expect(app.state.kind).toBe('database');
    const victim = uniqueEmail('victim');
    await registerUser(clientsOf(url).fresh(), victim);

    // All but one of the failures that lock the account, then a restart.
    let clients = clientsOf(url);
    for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expectProblem(await signIn(clients.fresh(), victim, OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    }
    await restart();
    clients = clientsOf(url);
    // The count went on where it was: one more failure locks the account.
    expectProblem(await signIn(clients.fresh(), victim, OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    const lockedAt = Date.now();
    expectThrottled(await signIn(clients.fresh(), victim, PASSWORD));

    // An address fails until it is banned.
    const attacker = '127.0.0.2';
    await failFromAddress(loopbackClient(url, attacker), BAN_FAILURE_LIMIT);
    const bannedAt = Date.now();
    expectBanned(await loopbackClient(url, attacker).get('/api/health'));

    await restart();
    clients = clientsOf(url);
    // Neither the lock nor the ban was lifted by the restart; the right password is still refused.
    expectThrottled(await signIn(clients.fresh(), victim, PASSWORD));
    expectBanned(await loopbackClient(url, attacker).get('/api/health'));
    expectBanned(await signIn(loopbackClient(url, attacker), victim, PASSWORD));
    // Another address is served meanwhile.
    expect((await clients.fresh().get('/api/health')).status).toBe(200);

    // Both run out by themselves, and the next server after that remembers nothing of them.
    await sleep(Math.max(lockedAt + LOCK_SECONDS * 1000, bannedAt + BAN_SECONDS * 1000) + 1000 - Date.now());
    await restart();
    clients = clientsOf(url);
    expect((await loopbackClient(url, attacker).get('/api/health')).status).toBe(200);
    const signedIn = await signIn(clients.fresh(), victim, PASSWORD);
    expect(signedIn.status, signedIn.text).toBe(200);
  }, 40_000);

  it('deletes locks and bans that have run out, so the tables do not grow without bound', async () => {
    await failFromAddress(loopbackClient(url, '127.0.0.3'), BAN_FAILURE_LIMIT);
    expectBanned(await loopbackClient(url, '127.0.0.3').get('/api/health'));
    const db = app.database.db;
    const rows = async () => ({
      counters: (await db.selectFrom('abuse_counters').select('key').execute()).length,
      bans: (await db.selectFrom('abuse_bans').select('client_key').execute()).length,
    });
    expect((await rows()).bans).toBeGreaterThan(0);
    expect((await rows()).counters).toBeGreaterThan(0);

    // Nothing in force is deleted...
    await removeExpiredAbuseState(db, Date.now());
    expectBanned(await loopbackClient(url, '127.0.0.3').get('/api/health'));
    // ...and once every window and ban has run out, nothing is left.
    const allRunOut = Date.now() + Math.max(LOCK_SECONDS, BAN_SECONDS, BAN_WINDOW_SECONDS) * 1000 + 1000;
    await removeExpiredAbuseState(db, allRunOut);
    expect(await rows()).toEqual({ counters: 0, bans: 0 });
  });
});

describe.runIf(testDialect() === 'postgres')('two instances on one PostgreSQL database, no Redis', () => {
  let first: RestartableTestApp;
  let second: RestartableTestApp;
  let urls: [string, string];
  beforeAll(async () => {
    first = await createTestApp({ env: ENV });
    second = await first.secondInstance();
    urls = [await first.start(), await second.start()];
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a lock or ban made on one instance holds on the other', async () => {
    const victim = uniqueEmail('victim');
    await registerUser(clientsOf(urls[0]).fresh(), victim);
    // The failures are split between the instances; together they lock the account.
    const onFirst = clientsOf(urls[0]);
    const onSecond = clientsOf(urls[1]);
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      const client = i % 2 === 0 ? onFirst.fresh() : onSecond.fresh();
      expectProblem(await signIn(client, victim, OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    }
    expectThrottled(await signIn(onFirst.fresh(), victim, PASSWORD));
    expectThrottled(await signIn(onSecond.fresh(), victim, PASSWORD));

    await failFromAddress(loopbackClient(urls[0], '127.0.0.2'), BAN_FAILURE_LIMIT);
    expectBanned(await loopbackClient(urls[0], '127.0.0.2').get('/api/health'));
    // The other instance answers from its copy of the bans, reloaded every BAN_SYNC_INTERVAL_MS.
    const deadline = Date.now() + 3 * BAN_SYNC_INTERVAL_MS;
    let onOther = await loopbackClient(urls[1], '127.0.0.2').get('/api/health');
    while (onOther.status !== 403 && Date.now() < deadline) {
      await sleep(100);
      onOther = await loopbackClient(urls[1], '127.0.0.2').get('/api/health');
    }
    expectBanned(onOther);
  });
});
