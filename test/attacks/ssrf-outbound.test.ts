import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundError } from '../../src/lib/net/outbound-types.js';
import { auditEntries, expectProblem } from '../helpers/collections-client.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type HttpTarget, startHttpTarget } from '../helpers/http-target.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Server-side request forgery (ASVS V1.3.6, issue 15 item 5): an outbound URL pointed at this
 * machine, its network or the cloud metadata endpoint, directly, through DNS (also an answer that
 * changes: rebinding) or through a redirect. The requests go through the app's own outbound
 * client (what webhooks and OIDC use) and, for OIDC discovery, through the HTTP API. Real servers
 * on loopback stand for the internal service (127.0.0.1) and an allow-listed receiver (127.0.0.2);
 * a real DNS server answers the names. What is refused never arrives and leaves an
 * `outbound.blocked` audit entry.
 */
let dns: TestDnsServer;
let internal: HttpTarget; // 127.0.0.1: the service an attacker wants to reach
let receiver: HttpTarget; // 127.0.0.2: allow-listed for these tests
let app: TestApp; // http allowed, 127.0.0.2 allow-listed, names from the test DNS server
let defaults: TestApp; // the shipped outbound policy

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: OutboundError) => error,
  );
/** The `outbound.blocked` entries, once every event recorded so far is stored. */
const blockedEntries = async (target: TestApp) => {
  await target.audit.flush();
  return (await auditEntries(target, 'outbound.blocked')).map((entry) => entry.details);
};

const RECEIVER_ROUTES: Record<string, (response: ServerResponse) => void> = {
  '/to-internal': (response) => response.writeHead(302, { location: `${internal.origin}/latest/meta-data/` }).end(),
  '/hop/0': (response) => response.writeHead(302, { location: '/hop/1' }).end(),
  '/hop/1': (response) => response.writeHead(302, { location: '/hop/2' }).end(),
  '/hop/2': (response) => response.writeHead(302, { location: '/hop/3' }).end(),
  '/hop/3': (response) => response.writeHead(302, { location: '/hop/4' }).end(),
  '/huge': (response) => response.end('x'.repeat(64 * 1024)),
  '/silent': () => undefined, // never answers
};

beforeAll(async () => {
  dns = await startDnsServer({ 'internal.test': ['127.0.0.1'], 'idp.test': ['127.0.0.1'] });
  internal = await startHttpTarget('127.0.0.1', (_request, response) => response.end('{"secret":"metadata"}'));
  receiver = await startHttpTarget('127.0.0.2', (request, response) => {
    const route = RECEIVER_ROUTES[request.path];
    if (route) route(response);
    else response.end('received');
  });
  app = await createTestApp({
    logLevel: 'silent',
    env: {
      BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
      BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.2/32',
      BULWARK_OUTBOUND_DNS_SERVERS: dns.address,
      BULWARK_OUTBOUND_TOTAL_TIMEOUT_MS: '1000',
      BULWARK_OUTBOUND_MAX_RESPONSE_BYTES: '4096',
      BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
        { name: 'internal', issuer: internal.origin, clientId: 'c', clientSecret: 'oidc-secret-never-sent' },
        { name: 'named', issuer: `https://idp.test:${internal.port}`, clientId: 'c', clientSecret: 'oidc-secret' },
      ]),
    },
  });
  defaults = await createTestApp({ logLevel: 'silent' });
});

beforeEach(() => {
  internal.received.length = 0;
  receiver.received.length = 0;
});

afterAll(async () => {
  await Promise.all([app?.close(), defaults?.close()]);
  await Promise.all([dns?.close(), internal?.close(), receiver?.close()]);
});

describe('the shipped policy refuses loopback and metadata addresses in every spelling', () => {
  it.each([
    ['https://127.0.0.1/hook', '127.0.0.1'],
    ['https://[::1]/hook', '::1'],
    ['https://0x7f000001/hook', '127.0.0.1'],
    ['https://2130706433/hook', '127.0.0.1'],
    ['https://0177.0.0.1/hook', '127.0.0.1'],
    ['https://127.1/hook', '127.0.0.1'],
    ['https://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
    ['https://100.100.100.200/latest/meta-data/', '100.100.100.200'],
    ['https://10.0.0.1/hook', '10.0.0.1'],
  ])('%s is refused before connecting and audited', async (url, address) => {
    const failure = await failureOf(defaults.outbound.request(`${url}?token=leak-me`));
    expect([failure?.reason, failure?.address]).toEqual(['address', address]);
    const { protocol, host, pathname } = new URL(url); // the spelling the parser normalised
    expect(await blockedEntries(defaults)).toContainEqual({
      url: `${protocol}//${host}${pathname}`,
      reason: 'address',
      address,
    });
    expect(JSON.stringify(await blockedEntries(defaults))).not.toContain('leak-me');
  });

  it('refuses a receiver on 127.0.0.1 (https) and plain http by default; nothing arrives', async () => {
    const failure = await failureOf(defaults.outbound.request(`https://127.0.0.1:${internal.port}/`));
    expect(failure?.reason).toBe('address');
    expect((await failureOf(defaults.outbound.request(`${receiver.origin}/`)))?.reason).toBe('scheme');
    expect([internal.received, receiver.received]).toEqual([[], []]);
  });

  it('refuses localhost, which the system resolver answers with loopback', async () => {
    const failure = await failureOf(defaults.outbound.request(`https://localhost:${internal.port}/`));
    expect(failure?.reason).toBe('address');
    expect(internal.received).toEqual([]);
  });
});

describe('an administrator allow-list opens exactly what it names', () => {
  it('delivers to the allow-listed receiver on 127.0.0.2', async () => {
    const response = await app.outbound.request(`${receiver.origin}/hook`, { method: 'POST', body: '{"event":1}' });
    expect([response.status, response.address]).toEqual([200, '127.0.0.2']);
    expect(receiver.received.map((request) => [request.method, request.body])).toEqual([['POST', '{"event":1}']]);
  });

  it('still refuses 127.0.0.1 and audits it without the query string', async () => {
    const failure = await failureOf(app.outbound.request(`${internal.origin}/admin?key=leak-me`));
    expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
    expect(internal.received).toEqual([]);
    expect(await blockedEntries(app)).toContainEqual({
      url: `${internal.origin}/admin`,
      reason: 'address',
      address: '127.0.0.1',
    });
  });
});

describe('the audit log records refusals without being flooded by them', () => {
  it('records 10 refusals of one URL a minute and counts the rest', async () => {
    const url = `${internal.origin}/flood`;
    for (let attempt = 0; attempt < 15; attempt += 1) await failureOf(app.outbound.request(url));
    const entries = (await blockedEntries(app)).filter((details) => details.url === url);
    expect(entries).toHaveLength(10);
    expect(internal.received).toEqual([]);
  });
});

describe('names are judged after DNS, and the connection goes where the check looked', () => {
  it('refuses a name the DNS server resolves to 127.0.0.1', async () => {
    const failure = await failureOf(app.outbound.request(`http://internal.test:${internal.port}/`));
    expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
    expect(internal.received).toEqual([]);
  });

  it('DNS rebinding: an allowed first answer is used for the connection; the loopback one is refused', async () => {
    dns.answerInTurn('rebind.test', [['127.0.0.2'], ['127.0.0.1']]);
    // One port on both addresses. The port is taken on 127.0.0.1 first, where other programs'
    // sockets may already hold any given one; 127.0.0.2 is this test's own.
    const decoy = await startHttpTarget('127.0.0.1', (_request, response) => response.end('rebound'));
    const allowed = await startHttpTarget('127.0.0.2', (_request, response) => response.end('received'), decoy.port);
    try {
      const response = await app.outbound.request(`http://rebind.test:${decoy.port}/first`);
      expect([new TextDecoder().decode(response.body), response.address]).toEqual(['received', '127.0.0.2']);
      const failure = await failureOf(app.outbound.request(`http://rebind.test:${decoy.port}/second`));
      expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
      expect(decoy.received).toEqual([]);
      expect(allowed.received.map((request) => request.path)).toEqual(['/first']);
    } finally {
      await Promise.all([decoy.close(), allowed.close()]);
    }
  });
});

describe('redirects, time and size', () => {
  it('refuses a redirect from the allow-listed receiver to 127.0.0.1, and audits it', async () => {
    const failure = await failureOf(app.outbound.request(`${receiver.origin}/to-internal`));
    expect([failure?.reason, failure?.address]).toEqual(['redirects', '127.0.0.1']);
    expect(internal.received).toEqual([]);
    expect(await blockedEntries(app)).toContainEqual({
      url: `${internal.origin}/latest/meta-data/`,
      reason: 'redirects',
      address: '127.0.0.1',
    });
  });

  it('refuses a chain of 4 redirects (at most 3 are followed)', async () => {
    const failure = await failureOf(app.outbound.request(`${receiver.origin}/hop/0`));
    expect(failure?.reason).toBe('redirects');
    expect(receiver.received.map((request) => request.path)).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3']);
  });

  it('gives up on a server that never answers (timeout)', async () => {
    expect((await failureOf(app.outbound.request(`${receiver.origin}/silent`)))?.reason).toBe('timeout');
  });

  it('stops reading a body over outbound.maxResponseBytes (too-large)', async () => {
    expect((await failureOf(app.outbound.request(`${receiver.origin}/huge`)))?.reason).toBe('too-large');
  });
});

describe('OIDC discovery goes through the guard', () => {
  it.each([
    ['internal', 'an issuer on 127.0.0.1'],
    ['named', 'an issuer whose name resolves to 127.0.0.1'],
  ])('sign-in with %s (%s) answers 503, reaches nothing and is audited', async (provider) => {
    const response = await app.http.inject({ url: `/api/auth/oidc/${provider}/start` });
    expectProblem(response, 503, 'AUTH_OIDC_UNAVAILABLE');
    expect(response.body).not.toMatch(/127\.0\.0\.1|idp\.test|outbound/);
    expect(internal.received).toEqual([]);
    expect(await blockedEntries(app)).toContainEqual(
      expect.objectContaining({ reason: 'address', address: '127.0.0.1' }),
    );
  });
});
