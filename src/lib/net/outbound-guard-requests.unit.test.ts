import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../../test/helpers/certificates.js';
import { startDnsServer, type TestDnsServer } from '../../../test/helpers/dns-server.js';
import { type HttpTarget, startHttpTarget } from '../../../test/helpers/http-target.js';
import { createOutboundClient } from './outbound-guard.js';
import type { OutboundBlockedListener, OutboundClient, OutboundError, OutboundPolicy } from './outbound-types.js';

/**
 * The guard against real servers on loopback (Linux answers all of 127/8) and a real DNS server:
 * what is refused never arrives, what is allowed arrives where it was checked.
 */
const POLICY: OutboundPolicy = {
  allowHttp: true, // the targets are plain HTTP; https-only is covered by checkUrl's tests
  allowedCidrs: [],
  maxRedirects: 3,
  connectTimeoutMs: 5000,
  totalTimeoutMs: 10_000,
  maxResponseBytes: 1024,
  dnsServers: [],
};

let dns: TestDnsServer;
let internal: HttpTarget; // 127.0.0.1: what an attacker wants to reach
let receiver: HttpTarget; // 127.0.0.2: the allow-listed receiver
let other: HttpTarget; // 127.0.0.3: an allow-listed receiver on another origin
const clients: OutboundClient[] = [];
const blocked: Parameters<OutboundBlockedListener>[0][] = [];

function clientWith(overrides: Partial<OutboundPolicy> = {}): OutboundClient {
  const client = createOutboundClient(
    { ...POLICY, dnsServers: [dns.address], ...overrides },
    { onBlocked: (event) => blocked.push(event) },
  );
  clients.push(client);
  return client;
}
const allowReceivers = { allowedCidrs: ['127.0.0.2/32', '127.0.0.3/32'] };
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: OutboundError) => error,
  );
const text = (body: Uint8Array) => new TextDecoder().decode(body);

beforeAll(async () => {
  dns = await startDnsServer({ 'internal.test': ['127.0.0.1'], 'receiver.test': ['127.0.0.2'] });
  internal = await startHttpTarget('127.0.0.1', (_request, response) => response.end('internal secret'));
  receiver = await startHttpTarget('127.0.0.2', (request, response) => routeReceiver(request.path, response));
  other = await startHttpTarget('127.0.0.3', (_request, response) => response.end('other'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const target of [internal, receiver, other]) target.received.length = 0;
  blocked.length = 0;
});

afterAll(async () => {
  await Promise.all([dns.close(), internal.close(), receiver.close(), other.close()]);
});

/** The receiver's routes: redirects of every kind, big, endless and silent answers. */
const RECEIVER_ROUTES: Record<string, (response: ServerResponse, arg: string) => void> = {
  'to-internal': (response) => redirect(response, 302, `${internal.origin}/metadata`),
  'to-name': (response) => redirect(response, 302, `http://internal.test:${internal.port}/`),
  'to-other': (response) => redirect(response, 307, `${other.origin}/landed`),
  'same-origin': (response) => redirect(response, 307, '/echo'),
  'see-other': (response) => redirect(response, 303, '/echo'),
  hop: (response, arg) => (Number(arg) < 4 ? redirect(response, 302, `/hop/${Number(arg) + 1}`) : response.end('end')),
  sized: (response, arg) => response.writeHead(200, { 'content-length': arg }).end('x'.repeat(Number(arg))),
  streamed: streamForever,
  silent: () => undefined, // never answers
};

function routeReceiver(path: string, response: ServerResponse): void {
  const [, route = '', arg = ''] = path.split('/');
  const handler = RECEIVER_ROUTES[route];
  if (handler) handler(response, arg);
  else response.end(`ok ${path}`);
}

function redirect(response: ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location }).end();
}

function streamForever(response: ServerResponse): void {
  response.writeHead(200); // chunked: no length announced
  const timer = setInterval(() => response.write('x'.repeat(100)), 5);
  response.on('close', () => clearInterval(timer));
}

describe('addresses are judged before connecting', () => {
  it('refuses a server on 127.0.0.1 by default; it receives nothing and onBlocked hears of it', async () => {
    const failure = await failureOf(clientWith().request(`${internal.origin}/metadata?token=t`));
    expect(failure?.reason).toBe('address');
    expect(internal.received).toHaveLength(0);
    expect(blocked).toEqual([{ url: `${internal.origin}/metadata`, reason: 'address', address: '127.0.0.1' }]);
  });

  it('reaches an allow-listed server and says which address answered', async () => {
    const response = await clientWith(allowReceivers).request(`${receiver.origin}/hello`);
    expect([response.status, text(response.body), response.address]).toEqual([200, 'ok /hello', '127.0.0.2']);
  });

  it('refuses a name whose DNS answer is loopback', async () => {
    const failure = await failureOf(clientWith().request(`http://internal.test:${internal.port}/`));
    expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
    expect(internal.received).toHaveLength(0);
  });

  it('refuses a name when any one of its answers is refused, even if another is allowed', async () => {
    dns.answer('mixed.test', ['127.0.0.2', '127.0.0.1']);
    const failure = await failureOf(clientWith(allowReceivers).request(`http://mixed.test:${receiver.port}/`));
    expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
    expect(receiver.received).toHaveLength(0);
  });

  it('fails with dns for a name that does not resolve, without reporting a block', async () => {
    const failure = await failureOf(clientWith().request('http://nowhere.test/'));
    expect(failure?.reason).toBe('dns');
    expect(blocked).toHaveLength(0);
  });

  it('connects to the address it checked though DNS answers loopback next time (rebinding)', async () => {
    dns.answerInTurn('rebind.test', [['127.0.0.2'], ['127.0.0.1']]);
    const decoy = await startHttpTarget('127.0.0.1', (_request, response) => response.end('rebound'), receiver.port);
    try {
      const client = clientWith(allowReceivers);
      const response = await client.request(`http://rebind.test:${receiver.port}/first`);
      expect([text(response.body), response.address]).toEqual(['ok /first', '127.0.0.2']);
      expect(decoy.received).toHaveLength(0);
      // The next request resolves again, sees loopback and is refused before connecting.
      const failure = await failureOf(client.request(`http://rebind.test:${receiver.port}/second`));
      expect([failure?.reason, failure?.address]).toEqual(['address', '127.0.0.1']);
      expect(decoy.received).toHaveLength(0);
    } finally {
      await decoy.close();
    }
  });

  it('pins IPv6 too: an allow-listed name answering ::1 is reached at ::1', async () => {
    const v6 = await startHttpTarget('::1', (_request, response) => response.end('over ipv6'));
    try {
      dns.answer('six.test', ['::1']);
      const response = await clientWith({ allowedCidrs: ['::1/128'] }).request(`http://six.test:${v6.port}/`);
      expect([text(response.body), response.address]).toEqual(['over ipv6', '::1']);
    } finally {
      await v6.close();
    }
  });

  it('fails with network when an allow-listed port is closed', async () => {
    const closed = await startHttpTarget('127.0.0.2', () => undefined);
    await closed.close();
    const failure = await failureOf(clientWith(allowReceivers).request(`${closed.origin}/`));
    expect(failure?.reason).toBe('network');
  });

  it('verifies TLS certificates: a self-signed one fails with network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-outbound-'));
    const certificate = createSelfSignedCertificate(dir, 'self');
    const server = createHttpsServer({ cert: certificate.cert, key: certificate.key }, (_req, res) => res.end('tls'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const client = clientWith({ allowHttp: false, allowedCidrs: ['127.0.0.1/32'] });
      expect((await failureOf(client.request(`https://127.0.0.1:${port}/`)))?.reason).toBe('network');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redirects are followed by hand, each one checked again', () => {
  it('refuses a redirect from an allow-listed server to 127.0.0.1; the target receives nothing', async () => {
    const failure = await failureOf(clientWith(allowReceivers).request(`${receiver.origin}/to-internal`));
    expect([failure?.reason, failure?.address]).toEqual(['redirects', '127.0.0.1']);
    expect(internal.received).toHaveLength(0);
    expect(blocked).toEqual([{ url: `${internal.origin}/metadata`, reason: 'redirects', address: '127.0.0.1' }]);
  });

  it('refuses a redirect to a name that resolves to loopback', async () => {
    const failure = await failureOf(clientWith(allowReceivers).request(`${receiver.origin}/to-name`));
    expect([failure?.reason, failure?.address]).toEqual(['redirects', '127.0.0.1']);
    expect(internal.received).toHaveLength(0);
  });

  it('follows 3 redirects and refuses the 4th', async () => {
    const client = clientWith(allowReceivers);
    expect(text((await client.request(`${receiver.origin}/hop/1`)).body)).toBe('end');
    receiver.received.length = 0;
    const failure = await failureOf(client.request(`${receiver.origin}/hop/0`));
    expect(failure?.reason).toBe('redirects');
    expect(receiver.received.map((request) => request.path)).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3']);
  });

  it('turns a POST into a GET without body on 303', async () => {
    const body = JSON.stringify({ event: 'x' });
    const headers = { 'content-type': 'application/json' };
    await clientWith(allowReceivers).request(`${receiver.origin}/see-other`, { method: 'POST', headers, body });
    const landed = receiver.received[1];
    expect([landed?.method, landed?.path, landed?.body, landed?.headers['content-type']]).toEqual([
      'GET',
      '/echo',
      '',
      undefined,
    ]);
  });

  it('keeps signature headers on a same-origin redirect and drops them on a cross-origin one', async () => {
    const init = {
      method: 'POST' as const,
      headers: { authorization: 'Bearer s3cret', 'webhook-signature': 'v1,sig', 'content-type': 'text/plain' },
      body: 'payload',
    };
    const client = clientWith(allowReceivers);
    await client.request(`${receiver.origin}/same-origin`, init);
    expect(receiver.received[1]?.headers).toMatchObject({
      authorization: 'Bearer s3cret',
      'webhook-signature': 'v1,sig',
    });
    await client.request(`${receiver.origin}/to-other`, init);
    const landed = other.received[0];
    expect([landed?.method, landed?.body, landed?.headers['content-type']]).toEqual(['POST', 'payload', 'text/plain']);
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers['webhook-signature']).toBeUndefined();
  });
});

describe('time and size are bounded', () => {
  it('fails with timeout after connectTimeoutMs when a TLS handshake never completes', async () => {
    const mute = createNetServer((socket) => socket.on('error', () => undefined)); // accepts, never answers
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.2', resolve));
    try {
      const { port } = mute.address() as { port: number };
      const client = clientWith({ ...allowReceivers, connectTimeoutMs: 200, totalTimeoutMs: 60_000 });
      const failure = await failureOf(client.request(`https://127.0.0.2:${port}/`));
      expect(failure?.reason).toBe('timeout');
      // The connect timeout fired, not the total one (that one would leave an abort as the cause).
      expect(failure?.cause).toMatchObject({ code: 'UND_ERR_CONNECT_TIMEOUT' });
    } finally {
      mute.close();
    }
  });

  it('fails with timeout when the server never answers', async () => {
    const failure = await failureOf(
      clientWith({ ...allowReceivers, totalTimeoutMs: 300 }).request(`${receiver.origin}/silent`),
    );
    expect(failure?.reason).toBe('timeout');
  });

  it('fails with timeout when the body never ends, before the size cap', async () => {
    const client = clientWith({ ...allowReceivers, totalTimeoutMs: 300, maxResponseBytes: 1024 * 1024 * 1024 });
    expect((await failureOf(client.request(`${receiver.origin}/streamed`)))?.reason).toBe('timeout');
  });

  it('accepts a body of exactly maxResponseBytes and refuses one byte more (announced length)', async () => {
    const client = clientWith(allowReceivers);
    expect((await client.request(`${receiver.origin}/sized/1024`)).body.byteLength).toBe(1024);
    expect((await failureOf(client.request(`${receiver.origin}/sized/1025`)))?.reason).toBe('too-large');
  });

  it('stops reading an endless body without a length at the cap', async () => {
    const failure = await failureOf(clientWith(allowReceivers).request(`${receiver.origin}/streamed`));
    expect(failure?.reason).toBe('too-large');
  });
});

describe('fetch: the same policy behind the Fetch API', () => {
  it('returns a Response for an allowed request, sending a form body with its type', async () => {
    const response = await clientWith(allowReceivers).fetch(`${receiver.origin}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code' }),
    });
    expect([response.status, await response.text(), response.url]).toEqual([
      200,
      'ok /token',
      `${receiver.origin}/token`,
    ]);
    expect(receiver.received[0]).toMatchObject({ body: 'grant_type=authorization_code' });
    expect(receiver.received[0]?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('returns a redirect as it is for redirect: manual (openid-client asks for that)', async () => {
    const response = await clientWith(allowReceivers).fetch(`${receiver.origin}/to-internal`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([302, `${internal.origin}/metadata`]);
  });

  it('rejects a refused URL with the guard error, reported to onBlocked', async () => {
    const failure = await failureOf(clientWith().fetch(`${internal.origin}/`));
    expect(failure?.reason).toBe('address');
    expect(blocked).toHaveLength(1);
    expect(internal.received).toHaveLength(0);
  });
});
