import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import { enrolTotp, freshTotpCode, injectSend } from '../helpers/mfa-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Dodging limits and bans by address: a host holds a whole IPv6 /64 and may use any address in
 * it, and one address has many spellings (`::ffff:1.2.3.4` for `1.2.3.4`, upper case, leading
 * zeros, a zone id). Every client is counted by its canonical address, an IPv6 client by its
 * /64 (configurable), so neither a new address in the network nor a new spelling starts afresh;
 * another network is not affected. Clients are the socket address (inject's `remoteAddress`)
 * or, behind the trusted proxy, the X-Forwarded-For entry that proxy wrote.
 */

const BAN_LIMIT = 4;
/** light-my-request's own socket address: the trusted proxy of these apps. */
const PROXY = '127.0.0.1';

function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().code).toBe(code);
}

const fromSocket = (address: string) => ({ remoteAddress: address });
const viaProxy = (address: string) => ({ remoteAddress: PROXY, headers: { 'x-forwarded-for': address } });
type Origin = ReturnType<typeof fromSocket> | ReturnType<typeof viaProxy>;

const health = (app: TestApp, origin: Origin) => app.http.inject({ url: '/api/health', ...origin });

/** A failed sign-in for an unknown email (no account lock interferes), from `origin`. */
async function failSignIn(app: TestApp, origin: Origin): Promise<void> {
  const response = await app.http.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: uniqueEmail('guess'), password: OTHER_PASSWORD },
    ...origin,
  });
  expectProblem(response, 401, 'AUTH_INVALID_CREDENTIALS');
}

const createApp = (extra: Record<string, string> = {}) =>
  createTestApp({
    env: { BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_LIMIT), BULWARK_TRUSTED_PROXIES: PROXY, ...extra },
  });

/** An administrator's bearer headers (TOTP enrolled, signed in with a code), from the proxy's address. */
async function adminHeaders(app: TestApp): Promise<Record<string, string>> {
  const email = uniqueEmail('admin');
  await app.auth.accounts.createAdmin(email, PASSWORD);
  const send = injectSend(app);
  const first = await send('POST', '/api/auth/token', {}, { email, password: PASSWORD });
  const { secret, confirmCode } = await enrolTotp(send, { authorization: `Bearer ${first.body.accessToken}` });
  const code = freshTotpCode(secret, new Set([confirmCode]));
  const signedIn = await send('POST', '/api/auth/token', {}, { email, password: PASSWORD, code });
  expect(signedIn.status, signedIn.text).toBe(200);
  return { authorization: `Bearer ${signedIn.body.accessToken}` };
}

describe('bans count an IPv6 client by its /64 (the default)', () => {
  let app: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    app = await createApp();
    admin = await adminHeaders(app);
  });
  afterAll(() => app.close());

  const bannedKeys = async () => {
    const response = await app.http.inject({ url: '/api/admin/bans', headers: admin });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as Array<{ ip: string }>).map((ban) => ban.ip);
  };

  it('bans the whole /64 when its addresses take turns failing sign-ins, and serves the next /64', async () => {
    for (let i = 1; i <= BAN_LIMIT; i++) await failSignIn(app, fromSocket(`2001:db8:a:1::${i}`));

    for (const address of ['2001:db8:a:1::99', '2001:db8:a:1:ffff:ffff:ffff:ffff']) {
      expectProblem(await health(app, fromSocket(address)), 403, 'ABUSE_BANNED');
    }
    expectProblem(
      await app.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: uniqueEmail('any'), password: PASSWORD },
        ...fromSocket('2001:db8:a:1::abcd'),
      }),
      403,
      'ABUSE_BANNED',
    );
    expect((await health(app, fromSocket('2001:db8:a:2::1'))).statusCode).toBe(200);
    expect(await bannedKeys()).toContain('2001:db8:a:1::/64');

    const bans = (await app.audit.listRecent(100, 'abuse.ban')).filter((e) => e.details.banned === '2001:db8:a:1::/64');
    expect(bans).toHaveLength(1);
    expect(bans[0]?.ip).toBe(`2001:db8:a:1::${BAN_LIMIT}`);
  });

  it('lifts the /64 ban when an administrator names any address in it, in any spelling', async () => {
    for (let i = 1; i <= BAN_LIMIT; i++) await failSignIn(app, fromSocket(`2001:db8:e:1::${i}`));
    expectProblem(await health(app, fromSocket('2001:db8:e:1::7')), 403, 'ABUSE_BANNED');

    const lifted = await app.http.inject({
      method: 'DELETE',
      url: '/api/admin/bans/2001:0DB8:E:1:0:0:0:ABCD',
      headers: admin,
    });
    expect(lifted.statusCode, lifted.body).toBe(204);
    expect((await health(app, fromSocket('2001:db8:e:1::7'))).statusCode).toBe(200);
    expect(await bannedKeys()).not.toContain('2001:db8:e:1::/64');
    const unbans = await app.audit.listRecent(20, 'abuse.unban');
    expect(unbans.some((e) => e.details.unbanned === '2001:db8:e:1::/64')).toBe(true);

    // The key exactly as the list shows it works too.
    for (let i = 1; i <= BAN_LIMIT; i++) await failSignIn(app, fromSocket(`2001:db8:e:1::${i}`));
    const path = `/api/admin/bans/${encodeURIComponent('2001:db8:e:1::/64')}`;
    expect((await app.http.inject({ method: 'DELETE', url: path, headers: admin })).statusCode).toBe(204);
    expect((await health(app, fromSocket('2001:db8:e:1::7'))).statusCode).toBe(200);
  });

  it('bans an IPv4 client under every spelling: IPv4-mapped IPv6, in either case, from socket or proxy', async () => {
    for (let i = 0; i < BAN_LIMIT; i++) await failSignIn(app, fromSocket('203.0.113.5'));
    for (const origin of [
      fromSocket('203.0.113.5'),
      fromSocket('::ffff:203.0.113.5'),
      viaProxy('::FFFF:203.0.113.5'),
      viaProxy('::ffff:cb00:7105'),
      viaProxy('[::ffff:203.0.113.5]'),
    ]) {
      expectProblem(await health(app, origin), 403, 'ABUSE_BANNED');
    }
    expect((await health(app, fromSocket('203.0.113.6'))).statusCode).toBe(200);
    expect(await bannedKeys()).toContain('203.0.113.5');
  });

  it('counts failures from IPv4-mapped and plain spellings of one address together', async () => {
    const spellings = ['198.51.100.30', '::ffff:198.51.100.30', '::FFFF:198.51.100.30', '::ffff:c633:641e'];
    for (const spelling of spellings.slice(0, BAN_LIMIT)) await failSignIn(app, fromSocket(spelling));
    expectProblem(await health(app, fromSocket('198.51.100.30')), 403, 'ABUSE_BANNED');
  });

  it('records the canonical address in audit entries and sessions', async () => {
    const email = uniqueEmail('canonical');
    await register(app, email);
    const failed = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: OTHER_PASSWORD },
      ...viaProxy('2001:0DB8:000D:0000:0000:0000:0000:0001'),
    });
    expect(failed.statusCode).toBe(401);
    const signedIn = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { email, password: PASSWORD },
      ...fromSocket('::ffff:198.51.100.20'),
    });
    expect(signedIn.statusCode).toBe(200);

    const failures = (await app.audit.listRecent(50, 'auth.login.failure')).filter((e) => e.details.email === email);
    expect(failures.map((e) => e.ip)).toEqual(['2001:db8:d::1']);
    const successes = (await app.audit.listRecent(50, 'auth.login.success')).filter((e) => e.ip === '198.51.100.20');
    expect(successes).toHaveLength(1);
    const sessions = await app.http.inject({
      url: '/api/auth/sessions',
      headers: { authorization: `Bearer ${signedIn.json().accessToken}` },
    });
    expect(sessions.json().items.map((s: { ip: string }) => s.ip)).toEqual(['198.51.100.20']);
  });
});

describe('bans with abuse.ipv6PrefixLength = 128 (each address alone)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createApp({ BULWARK_ABUSE_IPV6_PREFIX_LENGTH: '128' });
  });
  afterAll(() => app.close());

  it('refuses every other spelling of a banned IPv6 address and serves its neighbour', async () => {
    for (let i = 0; i < BAN_LIMIT; i++) await failSignIn(app, fromSocket('2001:db8:b::1'));
    for (const origin of [
      fromSocket('2001:DB8:B::1'),
      fromSocket('2001:0db8:000b:0000:0000:0000:0000:0001'),
      viaProxy('2001:db8:b:0:0:0:0:1'),
      viaProxy('2001:DB8:b::0001'),
      viaProxy('[2001:db8:b::1]'),
      viaProxy('2001:db8:b::1%eth0'),
    ]) {
      expectProblem(await health(app, origin), 403, 'ABUSE_BANNED');
    }
    expect((await health(app, fromSocket('2001:db8:b::2'))).statusCode).toBe(200);
  });
});

describe('rate limits count an IPv6 client by its /64', () => {
  const PER_MINUTE = 3;
  let app: TestApp;
  beforeAll(async () => {
    app = await createApp({ BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: String(PER_MINUTE) });
  });
  afterAll(() => app.close());

  const forgot = (origin: Origin) =>
    app.http.inject({
      method: 'POST',
      url: '/api/auth/password/forgot',
      payload: { email: uniqueEmail('forgot') },
      ...origin,
    });

  it('spends one budget for every address in a /64, and leaves the next /64 its own', async () => {
    for (let i = 1; i <= PER_MINUTE; i++) expect((await forgot(fromSocket(`2001:db8:c:1::${i}`))).statusCode).toBe(202);
    const rotated = await forgot(fromSocket('2001:db8:c:1:1234:5678:9abc:def0'));
    expectProblem(rotated, 429, 'ABUSE_RATE_LIMITED');
    expect(Number(rotated.headers['retry-after'])).toBeGreaterThan(0);
    expect((await forgot(fromSocket('2001:db8:c:2::1'))).statusCode).toBe(202);
  });

  it('spends one budget for every spelling of an IPv4 address', async () => {
    for (let i = 0; i < PER_MINUTE; i++) expect((await forgot(fromSocket('198.51.100.7'))).statusCode).toBe(202);
    expectProblem(await forgot(fromSocket('::ffff:198.51.100.7')), 429, 'ABUSE_RATE_LIMITED');
    expectProblem(await forgot(viaProxy('::FFFF:C633:6407')), 429, 'ABUSE_RATE_LIMITED');
    expect((await forgot(fromSocket('198.51.100.8'))).statusCode).toBe(202);
  });
});
