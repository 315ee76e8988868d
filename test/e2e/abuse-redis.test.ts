// @module-tag slow (starts redis-server: skipped by `npm run test:quick`)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { PASSWORD } from '../helpers/auth-client.js';
import { type RedisServer, requireTestRedis, startRedisServer } from '../helpers/redis-server.js';
import { LogCapture, testDialect } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Abuse state shared through a real Redis, and what happens when that Redis goes away. This file
 * runs its own redis-server (not the one at TEST_REDIS_URL, which other files share) so it can
 * kill and restart it mid-test, and so the bans it creates for 127.0.0.x ban nobody else.
 * Clients bind real loopback source addresses; the server sees them as the client address.
 */

const BAN_FAILURE_LIMIT = 5;
const ACCOUNT_FAILURE_LIMIT = 3;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
}

interface SendOptions {
  method?: string;
  from?: string;
  payload?: unknown;
  bearer?: string;
}

/** One request on a fresh connection bound to `from`; 5 s at most. */
function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const body = options.payload === undefined ? undefined : JSON.stringify(options.payload);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, baseUrl),
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        agent: false,
        localAddress: options.from ?? '127.0.0.1',
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

function expectProblem(reply: Reply, status: number, typeSuffix: string): Record<string, unknown> {
  expect(reply.status, reply.body).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = reply.json();
  expect(problem.status).toBe(status);
  expect(String(problem.type)).toMatch(new RegExp(`/${typeSuffix}$`));
  return problem;
}

/** Polls until `check` holds; bounded. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

interface Instance extends BulwarkApp {
  url: string;
  logs: LogCapture;
}

/**
 * A listening Bulwark on `dataDir` (two instances on one folder share the master key and, on
 * SQLite, the database file in WAL mode) with real abuse limits and Redis at `redisUrl`.
 */
async function startInstance(
  dataDir: string,
  redisUrl: string,
  databaseEnv: Record<string, string>,
): Promise<Instance> {
  const config = loadConfig({
    cwd: dataDir,
    env: {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_PORT: '0',
      BULWARK_LOG_LEVEL: 'info',
      BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
      BULWARK_AUTH_ARGON2_ITERATIONS: '1',
      // Budgets generous enough not to interfere; the sign-in limits are the ones under test.
      BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: '100000',
      BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: '100000',
      BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: '100000',
      BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: String(ACCOUNT_FAILURE_LIMIT),
      BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_FAILURE_LIMIT),
      BULWARK_REDIS_URL: redisUrl,
      ...databaseEnv,
    },
  });
  const logs = new LogCapture();
  const app = await createApp({ config, logStream: logs });
  const url = await app.start();
  return Object.assign(app, { url, logs });
}

let redis: RedisServer;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  requireTestRedis();
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await redis?.close();
});

/**
 * `count` instances on one database (a fresh PostgreSQL database, or one SQLite file) and this
 * file's Redis, started one after the other so only the first migrates.
 */
async function startInstances(count: number): Promise<Instance[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-redis-'));
  const database: TestDatabase = await createTestDatabase();
  cleanups.push(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const instance = await startInstance(dataDir, redis.url, database.env);
    cleanups.push(() => instance.stop('test finished'));
    expect(instance.database.dialect).toBe(testDialect());
    instances.push(instance);
  }
  return instances;
}

async function registerUser(instance: Instance, address: string): Promise<void> {
  const reply = await send(instance.url, '/api/auth/register', { payload: { email: address, password: PASSWORD } });
  expect(reply.status, reply.body).toBe(201);
}

async function tokensFor(instance: Instance, address: string, from = '127.0.0.1') {
  const reply = await send(instance.url, '/api/auth/token', { from, payload: { email: address, password: PASSWORD } });
  expect(reply.status, reply.body).toBe(200);
  return reply.json() as { accessToken: string; refreshToken: string };
}

describe(`abuse state in Redis (${testDialect()})`, () => {
  it('two instances share bans, token revocations and account throttling', async () => {
    const [a, b] = (await startInstances(2)) as [Instance, Instance];
    expect([a.state.kind, b.state.kind]).toEqual(['redis', 'redis']);

    // Failed sign-ins against A from 127.0.0.2, each for a different (unknown) account so only
    // the address counter reaches its limit; the last one that counts bans the address.
    for (let attempt = 1; attempt <= BAN_FAILURE_LIMIT; attempt++) {
      const reply = await send(a.url, '/api/auth/token', {
        from: '127.0.0.2',
        payload: { email: email('nobody'), password: 'wrong password number 1' },
      });
      expect(reply.status, `attempt ${attempt}: ${reply.body}`).toBe(401);
    }
    expectProblem(await send(a.url, '/api/health', { from: '127.0.0.2' }), 403, 'banned');

    // B never saw those failures, yet refuses the address on every route, sign-in included.
    const bannedOnB = await send(b.url, '/api/health', { from: '127.0.0.2' });
    expectProblem(bannedOnB, 403, 'banned');
    expect(Number(bannedOnB.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(
      await send(b.url, '/api/auth/token', { from: '127.0.0.2', payload: { email: email('x'), password: PASSWORD } }),
      403,
      'banned',
    );
    // Another address is served by B as usual.
    expect((await send(b.url, '/api/health', { from: '127.0.0.3' })).status).toBe(200);

    // A token family logged out on A is refused by B at once.
    const user = email('shared');
    await registerUser(b, user);
    const tokens = await tokensFor(b, user, '127.0.0.3');
    expect((await send(b.url, '/api/auth/me', { from: '127.0.0.3', bearer: tokens.accessToken })).status).toBe(200);
    expect((await send(a.url, '/api/auth/me', { from: '127.0.0.3', bearer: tokens.accessToken })).status).toBe(200);
    const logout = await send(a.url, '/api/auth/logout', {
      from: '127.0.0.3',
      method: 'POST',
      bearer: tokens.accessToken,
    });
    expect(logout.status, logout.body).toBe(204);
    expectProblem(await send(b.url, '/api/auth/me', { from: '127.0.0.3', bearer: tokens.accessToken }), 401, '[a-z-]+');
    expect(
      (await send(b.url, '/api/auth/refresh', { from: '127.0.0.3', payload: { refreshToken: tokens.refreshToken } }))
        .status,
    ).toBe(401);

    // An account throttled through A (failures from 127.0.0.4) is throttled on B from
    // 127.0.0.5, with the same 429 although the password is now right.
    const victim = email('victim');
    await registerUser(a, victim);
    for (let attempt = 1; attempt <= ACCOUNT_FAILURE_LIMIT; attempt++) {
      const reply = await send(a.url, '/api/auth/token', {
        from: '127.0.0.4',
        payload: { email: victim, password: 'not the right password' },
      });
      expect(reply.status, `attempt ${attempt}: ${reply.body}`).toBe(401);
    }
    const throttled = await send(b.url, '/api/auth/token', {
      from: '127.0.0.5',
      payload: { email: victim, password: PASSWORD },
    });
    expectProblem(throttled, 429, 'account-throttled');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    const wrongOnB = await send(b.url, '/api/auth/token', {
      from: '127.0.0.5',
      payload: { email: victim, password: 'not the right password' },
    });
    expect(wrongOnB.status).toBe(429);
    expect(wrongOnB.json()).toEqual({ ...throttled.json(), requestId: wrongOnB.json().requestId });
    // Neither 127.0.0.4 nor 127.0.0.5 reached the ban limit: other routes still serve them.
    expect((await send(b.url, '/api/health', { from: '127.0.0.4' })).status).toBe(200);
    expect((await send(a.url, '/api/health', { from: '127.0.0.5' })).status).toBe(200);
  });

  it('Redis stopped mid-test: sign-in fails closed with 503, other routes still served; recovers when Redis is back', async () => {
    const [app] = (await startInstances(1)) as [Instance];
    const user = email('outage');
    await registerUser(app, user);
    const tokens = await tokensFor(app, user);
    expect((await send(app.url, '/api/ready')).json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', redis: 'ok' },
    });

    await redis.stop();
    try {
      await eventually(async () => (await send(app.url, '/api/ready')).status === 503, 5000, '/api/ready answers 503');
      const ready = expectProblem(await send(app.url, '/api/ready'), 503, '[a-z-]+');
      expect(String(ready.detail)).toMatch(/redis/i);

      // Every sign-in-class route fails closed: 503 problem+json with Retry-After, never a 500.
      const signInRoutes: Array<[string, unknown]> = [
        ['/api/auth/token', { email: user, password: PASSWORD }],
        ['/api/auth/login', { email: user, password: PASSWORD }],
        ['/api/auth/register', { email: email('new'), password: PASSWORD }],
        ['/api/auth/refresh', { refreshToken: tokens.refreshToken }],
      ];
      for (const [path, payload] of signInRoutes) {
        const reply = await send(app.url, path, { from: '127.0.0.6', payload });
        expectProblem(reply, 503, '[a-z-]+');
        expect(Number(reply.headers['retry-after']), path).toBeGreaterThan(0);
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
      }

      // Ordinary routes keep working on local limits, signed in or not.
      expect((await send(app.url, '/api/health', { from: '127.0.0.6' })).status).toBe(200);
      const me = await send(app.url, '/api/auth/me', { from: '127.0.0.6', bearer: tokens.accessToken });
      expect(me.status, me.body).toBe(200);
      expect(me.json().user).toMatchObject({ email: user });

      expect(app.logs.text).toContain('redis unreachable');
    } finally {
      if (!redis.isRunning()) await redis.start();
    }

    // Redis back on the same port: within a few seconds sign-in and readiness recover.
    await eventually(async () => (await send(app.url, '/api/ready')).status === 200, 8000, '/api/ready answers 200');
    expect((await send(app.url, '/api/ready')).json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', redis: 'ok' },
    });
    const again = await send(app.url, '/api/auth/token', {
      from: '127.0.0.6',
      payload: { email: user, password: PASSWORD },
    });
    expect(again.status, again.body).toBe(200);
    expect(app.logs.text).toMatch(/redis unreachable[\s\S]*redis reachable/);
    const levels = app.logs
      .entries()
      .filter((entry) => String(entry.msg).startsWith('redis unreachable'))
      .map((entry) => entry.level);
    // Logged as an error, so an operator's alerting sees it.
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((level) => Number(level) >= 50)).toBe(true);
  });

  // The address's failure count starts afresh at each ban. Without that, once a ban is lifted
  // (DELETE /api/admin/bans/:ip deletes the same Redis key as here) or ends before
  // `banWindowSeconds`, the count is already past the limit and, as the ban is set only when the
  // count equals the limit, further failures would never ban the address again in that window.
  it('an address whose ban was lifted is banned again after another run of failures', async () => {
    const [app] = (await startInstances(1)) as [Instance];
    const fail = () =>
      send(app.url, '/api/auth/token', {
        from: '127.0.0.7',
        payload: { email: email('nobody'), password: 'wrong password number 2' },
      });
    for (let attempt = 1; attempt <= BAN_FAILURE_LIMIT; attempt++) expect((await fail()).status).toBe(401);
    expectProblem(await send(app.url, '/api/health', { from: '127.0.0.7' }), 403, 'banned');

    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.del('bulwark:ban:127.0.0.7')).toBe(1);
    } finally {
      client.disconnect();
    }
    expect((await send(app.url, '/api/health', { from: '127.0.0.7' })).status).toBe(200);

    for (let attempt = 1; attempt <= BAN_FAILURE_LIMIT; attempt++) await fail();
    expectProblem(await send(app.url, '/api/health', { from: '127.0.0.7' }), 403, 'banned');
  });

  it('Redis hung (connection open, no answers): reported down and requests stop waiting on it', async () => {
    const [app] = (await startInstances(1)) as [Instance];
    expect((await send(app.url, '/api/ready')).status).toBe(200);
    redis.pause();
    try {
      await eventually(async () => (await send(app.url, '/api/ready')).status === 503, 6000, '/api/ready answers 503');
      expect(app.logs.text).toContain('redis unreachable');
      const started = Date.now();
      expect((await send(app.url, '/api/health', { from: '127.0.0.8' })).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      redis.resume();
    }
  });
});
