import { beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import {
  type LoopbackClient,
  type LoopbackResponse,
  loopbackClient,
  retryAfterSeconds,
  sleep,
} from '../helpers/loopback-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Brute force and floods against a really listening server, every attacker and user on its own
 * loopback source address: an account under attack stops accepting sign-ins from every address
 * (even with the right password, which must not be revealed), a success resets the count, the
 * lock ends by itself, and per-address budgets answer a flood with 429 while others are served.
 */

const LOCK_SECONDS = 10;

/** The refusal minus the per-request id: what a client could compare between two answers. */
const comparable = (response: LoopbackResponse) => {
  const { requestId: _requestId, ...rest } = response.body as Record<string, unknown>;
  return { status: response.status, contentType: response.headers['content-type'], body: rest };
};

function expectProblem(response: LoopbackResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe(code);
}

function expectThrottled(response: LoopbackResponse): void {
  expectProblem(response, 429, 'ABUSE_ACCOUNT_THROTTLED');
  const seconds = retryAfterSeconds(response);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(LOCK_SECONDS);
}

describe('sign-in throttling per account', () => {
  let attacker: LoopbackClient;
  let owner: LoopbackClient;
  let other: LoopbackClient;
  const app = useTestApp({
    env: {
      BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: '5',
      BULWARK_ABUSE_ACCOUNT_LOCK_SECONDS: String(LOCK_SECONDS),
    },
  });
  beforeAll(async () => {
    const url = await app.start();
    attacker = loopbackClient(url, '127.0.0.2');
    owner = loopbackClient(url, '127.0.0.3');
    other = loopbackClient(url, '127.0.0.4');
  });

  const login = (client: LoopbackClient, email: string, password: string) =>
    client.post('/api/auth/login', { email, password });
  const token = (client: LoopbackClient, email: string, password: string) =>
    client.post('/api/auth/token', { email, password });

  async function failTimes(client: LoopbackClient, email: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      expectProblem(await login(client, email, OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    }
  }

  it('after 5 failures from one address, refuses the right password from another address with the same 429 as a wrong one', async () => {
    const victim = uniqueEmail('victim');
    const bystander = uniqueEmail('bystander');
    await register(app, victim);
    await register(app, bystander);

    await failTimes(attacker, victim, 5);

    const rightPassword = await login(owner, victim, PASSWORD);
    expectThrottled(rightPassword);
    expect(rightPassword.headers['set-cookie']).toBeUndefined();
    const wrongPassword = await login(other, victim, OTHER_PASSWORD);
    expectThrottled(wrongPassword);
    expect(comparable(rightPassword)).toEqual(comparable(wrongPassword));
    expect(comparable(await login(attacker, victim, PASSWORD))).toEqual(comparable(wrongPassword));

    // The token route shares the lock, and answers just as blindly.
    const rightToken = await token(owner, victim, PASSWORD);
    expectThrottled(rightToken);
    expect(rightToken.body.accessToken).toBeUndefined();
    expect(comparable(rightToken)).toEqual(comparable(await token(other, victim, OTHER_PASSWORD)));

    // Only that account is locked: another one still signs in from the same addresses.
    expect((await login(owner, bystander, PASSWORD)).status).toBe(200);
    expect((await token(attacker, bystander, PASSWORD)).status).toBe(200);
  });

  it('counts differently-cased spellings of one email against the same account', async () => {
    const victim = uniqueEmail('cased');
    await register(app, victim);
    const spellings = [victim, victim.toUpperCase(), victim.replace(/^./, (c) => c.toUpperCase())];
    for (let i = 0; i < 5; i++) {
      expectProblem(await login(attacker, spellings[i % 3] as string, OTHER_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    }
    expectThrottled(await login(owner, victim, PASSWORD));
  });

  it('resets the count on a success: 4 failures, a success, 4 failures do not throttle', async () => {
    const user = uniqueEmail('forgetful');
    await register(app, user);
    await failTimes(attacker, user, 4);
    expect((await login(owner, user, PASSWORD)).status).toBe(200);
    await failTimes(attacker, user, 4);
    expect((await login(owner, user, PASSWORD)).status).toBe(200);
  });

  it('audits the throttling once, with the address and account, and every failure before it', async () => {
    const victim = uniqueEmail('audited');
    await register(app, victim);
    await failTimes(attacker, victim, 5);
    expectThrottled(await login(attacker, victim, OTHER_PASSWORD));
    expectThrottled(await login(owner, victim, PASSWORD));

    const recent = await app.audit.listRecent(200);
    const throttled = recent.filter((e) => e.type === 'abuse.account.throttled' && e.details.email === victim);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]?.ip).toBe('127.0.0.2');
    expect(throttled[0]?.details.seconds).toBe(LOCK_SECONDS);
    const failures = recent.filter((e) => e.type === 'auth.login.failure' && e.details.email === victim);
    expect(failures.length).toBeGreaterThanOrEqual(5);
    expect(failures.every((e) => e.ip === '127.0.0.2')).toBe(true);
    expect(JSON.stringify(recent)).not.toContain(OTHER_PASSWORD);
    expect(JSON.stringify(recent)).not.toContain(PASSWORD);
  });

  it('ends the lock by itself, and attempts during the lock do not extend it', {
    tags: ['slow'],
    timeout: 25_000,
  }, async () => {
    const victim = uniqueEmail('patient');
    await register(app, victim);
    await failTimes(attacker, victim, 5);
    const lockedAt = Date.now();
    expectThrottled(await login(owner, victim, PASSWORD));

    // The attacker keeps trying through the lock; that must not keep the owner out for good.
    while (Date.now() - lockedAt < (LOCK_SECONDS - 1) * 1000) {
      expectThrottled(await login(attacker, victim, OTHER_PASSWORD));
      await sleep(1500);
    }
    await sleep(Math.max(0, lockedAt + (LOCK_SECONDS + 1) * 1000 - Date.now()));

    expect((await login(owner, victim, PASSWORD)).status).toBe(200);
    // The series starts again from zero.
    await failTimes(attacker, victim, 4);
    expect((await login(owner, victim, PASSWORD)).status).toBe(200);
  });
});

describe('per-address request budgets', () => {
  const API_PER_MINUTE = 20;
  const AUTH_PER_MINUTE = 5;
  let url: string;
  const app = useTestApp({
    env: {
      BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: String(API_PER_MINUTE),
      BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: String(AUTH_PER_MINUTE),
    },
  });
  beforeAll(async () => {
    url = await app.start();
  });

  function expectRateLimited(response: LoopbackResponse): void {
    expectProblem(response, 429, 'ABUSE_RATE_LIMITED');
    expect(response.body.type).toMatch(/\/rate-limited$/);
    const seconds = retryAfterSeconds(response);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
  }

  it('answers a flood from one address with 429 + Retry-After after its budget while another address is served', async () => {
    const flooder = loopbackClient(url, '127.0.0.5');
    const neighbour = loopbackClient(url, '127.0.0.6');
    const answers = await Promise.all(Array.from({ length: API_PER_MINUTE + 15 }, () => flooder.get('/api/health')));
    const served = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    expect(served).toHaveLength(API_PER_MINUTE);
    expect(limited).toHaveLength(15);
    for (const response of limited) expectRateLimited(response);

    // Still refused afterwards, on any ordinary route, while the neighbour is served.
    expectRateLimited(await flooder.get('/api/health'));
    expectRateLimited(await flooder.get('/api/openapi.json'));
    expect((await neighbour.get('/api/health')).status).toBe(200);
  });

  it('gives sign-in routes a tighter budget than ordinary routes', async () => {
    const guesser = loopbackClient(url, '127.0.0.7');
    const email = uniqueEmail('target');
    for (let i = 0; i < AUTH_PER_MINUTE; i++) {
      const route = i % 2 === 0 ? '/api/auth/login' : '/api/auth/token';
      expectProblem(await guesser.post(route, { email, password: OTHER_PASSWORD }), 401, 'AUTH_INVALID_CREDENTIALS');
    }
    expectRateLimited(await guesser.post('/api/auth/login', { email, password: OTHER_PASSWORD }));
    expectRateLimited(await guesser.post('/api/auth/token', { email, password: PASSWORD }));
    expectRateLimited(await guesser.post('/api/auth/register', { email: uniqueEmail('new'), password: PASSWORD }));
    // Ordinary routes from that address are still within their own budget.
    expect((await guesser.get('/api/health')).status).toBe(200);
    // And sign-in from another address is unaffected.
    const other = loopbackClient(url, '127.0.0.8');
    expectProblem(
      await other.post('/api/auth/login', { email, password: OTHER_PASSWORD }),
      401,
      'AUTH_INVALID_CREDENTIALS',
    );
  });
});
