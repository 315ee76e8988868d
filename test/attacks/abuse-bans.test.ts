import { beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import {
  type LoopbackClient,
  type LoopbackResponse,
  loopbackClient,
  retryAfterSeconds,
  sleep,
} from '../helpers/loopback-client.js';
import { enrolTotp, freshTotpCode, type Send } from '../helpers/mfa-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Automatic bans against a really listening server, each client on its own loopback address:
 * an address failing sign-ins is refused on every route while others are served, the ban is
 * audited, listed and lifted by administrators only, and expires by itself; X-Forwarded-For
 * counts only from a trusted proxy; allow, deny and admin allow lists hold.
 */

const BAN_LIMIT = 6;
const PROXY = '127.0.0.7';
const ALLOWED = '127.0.0.8';
const DENIED = '127.0.0.9';
const ROUTES = ['/api/health', '/api/openapi.json', '/api/no-such-route', '/api/admin/bans'];

function expectProblem(response: LoopbackResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe(code);
}

function expectBanned(response: LoopbackResponse, maxSeconds = 3600): void {
  expectProblem(response, 403, 'ABUSE_BANNED');
  expect(response.body.type).toMatch(/\/banned$/);
  expect(retryAfterSeconds(response)).toBeGreaterThan(0);
  expect(retryAfterSeconds(response)).toBeLessThanOrEqual(maxSeconds);
}

/** Fails sign-in `times` times, each for a different (unknown) email so no account lock interferes. */
async function failSignIns(client: LoopbackClient, times: number, headers?: Record<string, string>): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await client.post(
      '/api/auth/login',
      { email: uniqueEmail('guess'), password: OTHER_PASSWORD },
      headers,
    );
    expectProblem(response, 401, 'AUTH_INVALID_CREDENTIALS');
  }
}

async function bearerFor(client: LoopbackClient, email: string): Promise<Record<string, string>> {
  const response = await client.post('/api/auth/token', { email, password: PASSWORD });
  expect(response.status, response.text).toBe(200);
  return { authorization: `Bearer ${response.body.accessToken}` };
}

/** An administrator's bearer headers: enrols TOTP at the first sign-in, then signs in with a code. */
async function adminBearerFor(client: LoopbackClient, email: string): Promise<Record<string, string>> {
  const send: Send = (method, path, headers, json) => client.send({ method, path, headers, json });
  const { secret, confirmCode } = await enrolTotp(send, await bearerFor(client, email));
  const code = freshTotpCode(secret, new Set([confirmCode]));
  const response = await client.post('/api/auth/token', { email, password: PASSWORD, code });
  expect(response.status, response.text).toBe(200);
  return { authorization: `Bearer ${response.body.accessToken}` };
}

const env = (extra: Record<string, string> = {}) => ({
  BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_LIMIT),
  BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: '100',
  ...extra,
});

describe('automatic bans', () => {
  let url: string;
  let user: string;
  let admin: { id: string; headers: Record<string, string> };
  const from = (address: string) => loopbackClient(url, address);
  const app = useTestApp({
    env: env({ BULWARK_TRUSTED_PROXIES: PROXY, BULWARK_ABUSE_ALLOW_LIST: ALLOWED, BULWARK_ABUSE_DENY_LIST: DENIED }),
  });
  beforeAll(async () => {
    url = await app.start();
    user = uniqueEmail('user');
    await register(app, user);
    const adminEmail = uniqueEmail('admin');
    const created = await app.auth.accounts.createAdmin(adminEmail, PASSWORD);
    admin = { id: created.id, headers: await adminBearerFor(from('127.0.0.4'), adminEmail) };
  });

  const bannedIps = async () => {
    const response = await from('127.0.0.4').get('/api/admin/bans', admin.headers);
    expect(response.status, response.text).toBe(200);
    return (response.body.items as Array<{ ip: string }>).map((ban) => ban.ip);
  };

  it('bans the failing address on every route while another address is served', async () => {
    const attacker = from('127.0.0.2');
    const bystander = from('127.0.0.3');
    await failSignIns(attacker, BAN_LIMIT);
    for (const path of ROUTES) expectBanned(await attacker.get(path));
    // Even the right password for a real account is refused.
    expectBanned(await attacker.post('/api/auth/login', { email: user, password: PASSWORD }));
    for (const path of ['/api/health', '/api/openapi.json']) expect((await bystander.get(path)).status).toBe(200);
    expect((await bystander.post('/api/auth/login', { email: user, password: PASSWORD })).status).toBe(200);
  });

  it('audits the ban with the address, lists it for administrators, and lets them lift it (audited)', async () => {
    const attacker = from('127.0.0.2');
    expectBanned(await attacker.get('/api/health'));
    const bans = (await app.audit.listRecent(200, 'abuse.ban')).filter((e) => e.ip === '127.0.0.2');
    expect(bans).toHaveLength(1);
    expect(bans[0]?.actor).toBe('system');

    const listed = await from('127.0.0.4').get('/api/admin/bans', admin.headers);
    expect(listed.status).toBe(200);
    const items = listed.body.items as Array<{ ip: string; since: string; until: string }>;
    const ban = items.find((b) => b.ip === '127.0.0.2');
    expect(ban).toMatchObject({ ip: '127.0.0.2', reason: expect.any(String) });
    expect(Date.parse(ban?.until ?? '') - Date.parse(ban?.since ?? '')).toBe(3600 * 1000);

    const lifted = await from('127.0.0.4').send({
      method: 'DELETE',
      path: '/api/admin/bans/127.0.0.2',
      headers: admin.headers,
    });
    expect(lifted.status, lifted.text).toBe(204);
    expect((await attacker.get('/api/health')).status).toBe(200);
    expect(await bannedIps()).not.toContain('127.0.0.2');
    const unbans = await app.audit.listRecent(50, 'abuse.unban');
    expect(unbans.find((e) => e.details.unbanned === '127.0.0.2')).toMatchObject({ actor: admin.id, ip: '127.0.0.4' });
    const again = await from('127.0.0.4').send({
      method: 'DELETE',
      path: '/api/admin/bans/127.0.0.2',
      headers: admin.headers,
    });
    expectProblem(again, 404, 'HTTP_NOT_FOUND');
  });

  it('bans again an address that keeps failing after an administrator lifted its ban', async () => {
    const attacker = from('127.0.0.10');
    await failSignIns(attacker, BAN_LIMIT);
    const path = '/api/admin/bans/127.0.0.10';
    expect((await from('127.0.0.4').send({ method: 'DELETE', path, headers: admin.headers })).status).toBe(204);
    await failSignIns(attacker, BAN_LIMIT);
    expectBanned(await attacker.get('/api/health'));
  });

  it('refuses the ban routes to anonymous callers (401) and non-administrators (403), leaving the ban', async () => {
    const attacker = from('127.0.0.5');
    await failSignIns(attacker, BAN_LIMIT);
    const member = from('127.0.0.3');
    const headers = await bearerFor(member, user);
    expect((await member.get('/api/admin/bans')).status).toBe(401);
    expect((await member.send({ method: 'DELETE', path: '/api/admin/bans/127.0.0.5' })).status).toBe(401);
    expectProblem(await member.get('/api/admin/bans', headers), 403, 'AUTH_FORBIDDEN');
    const lift = await member.send({ method: 'DELETE', path: '/api/admin/bans/127.0.0.5', headers });
    expectProblem(lift, 403, 'AUTH_FORBIDDEN');
    expectBanned(await attacker.get('/api/health'));
    expect(await bannedIps()).toContain('127.0.0.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const attacker = from('127.0.0.6');
    for (let i = 0; i < BAN_LIMIT; i++) await failSignIns(attacker, 1, { 'x-forwarded-for': `203.0.113.${i + 1}` });
    // The real socket address is banned; a forged innocent address does not get it back in.
    for (const forged of ['127.0.0.3', '203.0.113.99', `203.0.113.1, ${PROXY}`, ALLOWED]) {
      expectBanned(await attacker.get('/api/health', { 'x-forwarded-for': forged }));
    }
    const ips = await bannedIps();
    expect(ips).toContain('127.0.0.6');
    expect(ips.filter((ip) => ip.startsWith('203.0.113.'))).toEqual([]);
    const failures = (await app.audit.listRecent(200, 'auth.login.failure')).slice(0, BAN_LIMIT);
    expect(failures.map((e) => e.ip)).toEqual(Array(BAN_LIMIT).fill('127.0.0.6'));
  });

  it('bans the client address a trusted proxy reports, not the proxy, so other clients behind it are served', async () => {
    const proxy = from(PROXY);
    const client = (ip: string) => ({ 'x-forwarded-for': ip });
    await failSignIns(proxy, BAN_LIMIT, client('198.51.100.1'));
    expectBanned(await proxy.get('/api/health', client('198.51.100.1')));
    // The banned client cannot hide behind a forged hop: the proxy appends what it saw.
    expectBanned(await proxy.get('/api/health', client('198.51.100.2, 198.51.100.1')));
    expect((await proxy.get('/api/health', client('198.51.100.2'))).status).toBe(200);
    expect(
      (await proxy.post('/api/auth/login', { email: user, password: PASSWORD }, client('198.51.100.3'))).status,
    ).toBe(200);
    expect((await proxy.get('/api/health')).status).toBe(200);
    const ips = await bannedIps();
    expect(ips).toContain('198.51.100.1');
    expect(ips).not.toContain(PROXY);
  });

  it('never bans an allow-listed address', async () => {
    const monitor = from(ALLOWED);
    await failSignIns(monitor, BAN_LIMIT * 2);
    for (const path of ['/api/health', '/api/openapi.json']) expect((await monitor.get(path)).status).toBe(200);
    expect(await bannedIps()).not.toContain(ALLOWED);
    expect((await app.audit.listRecent(200, 'abuse.ban')).some((e) => e.ip === ALLOWED)).toBe(false);
  });

  it('refuses a deny-listed address on every route with 403 ABUSE_ADDRESS_REFUSED', async () => {
    const denied = from(DENIED);
    for (const path of ROUTES) expectProblem(await denied.get(path), 403, 'ABUSE_ADDRESS_REFUSED');
    expectProblem(
      await denied.post('/api/auth/login', { email: user, password: PASSWORD }),
      403,
      'ABUSE_ADDRESS_REFUSED',
    );
    expect((await from('127.0.0.3').get('/api/health')).status).toBe(200);
  });
});

describe('bans expire by themselves', { tags: ['slow'] }, () => {
  const BAN_SECONDS = 10;
  let url: string;
  let expired: Promise<void>;
  const app = useTestApp({ env: env({ BULWARK_ABUSE_BAN_SECONDS: String(BAN_SECONDS) }) });
  beforeAll(async () => {
    url = await app.start();
    await failSignIns(loopbackClient(url, '127.0.0.2'), BAN_LIMIT);
    await failSignIns(loopbackClient(url, '127.0.0.3'), BAN_LIMIT);
    const bannedAt = Date.now();
    expired = sleep(Math.max(0, bannedAt + (BAN_SECONDS + 1) * 1000 - Date.now()));
  });

  it('serves the address again once the ban has run out', async () => {
    const client = loopbackClient(url, '127.0.0.2');
    expectBanned(await client.get('/api/health'), BAN_SECONDS);
    await expired;
    expect((await client.get('/api/health')).status).toBe(200);
    expect((await client.post('/api/auth/login', { email: uniqueEmail('x'), password: OTHER_PASSWORD })).status).toBe(
      401,
    );
  }, 20_000);

  it('bans again an address that keeps failing after its ban ran out', async () => {
    const client = loopbackClient(url, '127.0.0.3');
    await expired;
    expect((await client.get('/api/health')).status).toBe(200);
    await failSignIns(client, BAN_LIMIT);
    expectBanned(await client.get('/api/health'), BAN_SECONDS);
  }, 20_000);
});

describe('admin allow list', () => {
  let url: string;
  const app = useTestApp({ env: env({ BULWARK_ABUSE_ADMIN_ALLOW_LIST: '127.0.0.4/32' }) });
  beforeAll(async () => {
    url = await app.start();
  });

  it('refuses /api/admin/* from other addresses with 403, even to an administrator', async () => {
    const email = uniqueEmail('admin');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const outside = loopbackClient(url, '127.0.0.3');
    const inside = loopbackClient(url, '127.0.0.4');
    const headers = await adminBearerFor(outside, email);
    expectProblem(await outside.get('/api/admin/bans', headers), 403, 'ABUSE_ADDRESS_REFUSED');
    expectProblem(
      await outside.send({ method: 'DELETE', path: '/api/admin/bans/127.0.0.9', headers }),
      403,
      'ABUSE_ADDRESS_REFUSED',
    );
    expect((await outside.get('/api/health')).status).toBe(200);
    expect((await inside.get('/api/admin/bans', headers)).status).toBe(200);
  });

  async function outsideAdmin(): Promise<{ outside: LoopbackClient; headers: Record<string, string> }> {
    const email = uniqueEmail('admin');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const outside = loopbackClient(url, '127.0.0.3');
    return { outside, headers: await bearerFor(outside, email) };
  }

  it.each([
    ['upper-case', '/API/ADMIN/BANS'],
    ['doubled slash', '/api//admin/bans'],
    ['dot segment', '/api/x/../admin/bans'],
    ['empty query', '/api/admin/bans?'],
  ])('gives no administrator answer through a %s spelling of the path from outside', async (_name, path) => {
    const { outside, headers } = await outsideAdmin();
    const response = await outside.get(path, headers);
    expect(response.status, response.text).not.toBe(200);
    expect(response.body.items).toBeUndefined();
  });

  it('gives no administrator answer through a percent-encoded path from outside', async () => {
    const { outside, headers } = await outsideAdmin();
    const response = await outside.get('/api/%61dmin/bans', headers);
    expectProblem(response, 403, 'ABUSE_ADDRESS_REFUSED');
  });
});
