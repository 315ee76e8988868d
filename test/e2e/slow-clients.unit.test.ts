// @module-tag slow (waits out idle timeouts: skipped by `npm run test:quick`)
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Slow clients against the real listening server, from real loopback source addresses: a
 * slowloris swarm is cut off at the header timeout (and the part over the per-address cap at
 * once), a stalled body at the idle timeout, while a normal client keeps being served.
 */

const HEADERS_TIMEOUT_MS = 2000;
const BODY_IDLE_TIMEOUT_MS = 2000;
const MAX_CONNECTIONS_PER_ADDRESS = 20;
const ATTACKERS = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`); // 127.0.0.2 … 127.0.0.11
const CONNECTIONS_PER_ATTACKER = 30;
/** Node checks header timeouts once a second (connectionsCheckingInterval), plus scheduling slack. */
const CUT_OFF_SLACK_MS = 2000;
const TRICKLE_INTERVAL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let app: TestApp;
let port: number;
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  app = await createTestApp({
    env: {
      BULWARK_SERVER_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      BULWARK_SERVER_BODY_IDLE_TIMEOUT_MS: String(BODY_IDLE_TIMEOUT_MS),
      BULWARK_ABUSE_MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS_PER_ADDRESS),
    },
  });
  port = Number(new URL(await app.start()).port);
  // The first request of a fresh process compiles routes and serialisers; not what is measured.
  expect((await normalRequest()).status).toBe(200);
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await app?.close();
});

/** A raw connection that sends `first`, then `trickle` every half second (or nothing) until closed. */
interface SlowClient {
  from: string;
  startedAt: number;
  lastWriteAt: number;
  closedAt: number | null;
  received: string;
  /** Resolves once the first bytes are sent (or the connection is gone). */
  engaged: Promise<void>;
  closed: Promise<void>;
}

function slowClient(from: string, first: string, trickle: string | null): SlowClient {
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  sockets.add(socket);
  const client: SlowClient = {
    from,
    startedAt: Date.now(),
    lastWriteAt: Date.now(),
    closedAt: null,
    received: '',
    engaged: Promise.resolve(),
    closed: Promise.resolve(),
  };
  let markEngaged: () => void = () => {};
  client.engaged = new Promise((resolve) => {
    markEngaged = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  const stopTrickling = () => {
    if (timer) {
      clearInterval(timer);
      timers.delete(timer);
    }
  };
  client.closed = new Promise((resolve) => {
    socket.on('close', () => {
      client.closedAt = Date.now();
      markEngaged();
      stopTrickling();
      sockets.delete(socket);
      resolve();
    });
  });
  socket.on('error', () => undefined); // resets are expected: the server cuts these clients off
  socket.on('data', (chunk: Buffer) => {
    client.received += chunk.toString('latin1');
    stopTrickling(); // answered: writing on would only race the server's close with a reset
  });
  socket.on('connect', () => {
    socket.write(first);
    client.lastWriteAt = Date.now();
    markEngaged();
    if (trickle === null) return;
    timer = setInterval(() => {
      if (socket.writable) {
        socket.write(trickle);
        client.lastWriteAt = Date.now();
      }
    }, TRICKLE_INTERVAL_MS);
    timers.add(timer);
  });
  return client;
}

/** GET from 127.0.0.1 on a fresh connection; status and how long it took (2 s at most). */
function normalRequest(path = '/api/health'): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent: false, localAddress: '127.0.0.1', timeout: 2000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
    req.end();
  });
}

/** Resolves when every promise has resolved, or after `ms`, whichever comes first. */
async function allSettledWithin(promises: Array<Promise<void>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Resolves when every client has closed, or after `ms`, whichever comes first. */
const allClosedWithin = (clients: SlowClient[], ms: number) =>
  allSettledWithin(
    clients.map((client) => client.closed),
    ms,
  );

/** Parses a raw HTTP/1.1 response head and body. */
function parseResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('slow clients', () => {
  it('300 slowloris connections from 10 addresses are cut off while a normal client is served', async () => {
    const launchedAt = Date.now();
    const swarm: SlowClient[] = [];
    for (const from of ATTACKERS) {
      for (let i = 0; i < CONNECTIONS_PER_ATTACKER; i++) {
        // Half stall after part of the headers; half trickle a header byte every 500 ms, which
        // keeps the idle timeout from firing so only the header timeout can stop them.
        const trickles = i % 2 === 1;
        swarm.push(
          slowClient(
            from,
            trickles ? 'GET /api/health HTTP/1.1\r\nHost: bulwark\r\nX-Slow: ' : 'GET /api/health HTTP/1.1\r\nHost: b',
            trickles ? 'a' : null,
          ),
        );
      }
    }

    // A request sent in the middle of the connection storm waits for the server to accept the
    // swarm (in this same process); it is answered, within a looser bound.
    const duringStorm = normalRequest();
    // Once the server has accepted the whole swarm (the connections over the cap are closed on
    // accept), the normal client keeps asking for as long as any slowloris connection is open.
    const overCap = ATTACKERS.length * (CONNECTIONS_PER_ATTACKER - MAX_CONNECTIONS_PER_ADDRESS);
    for (let waited = 0; swarm.filter((client) => client.closedAt !== null).length < overCap && waited < 2000; ) {
      await sleep(20);
      waited += 20;
    }
    const served: Array<{ status: number; ms: number }> = [];
    let swarmGone = false;
    void Promise.all(swarm.map((client) => client.closed)).then(() => {
      swarmGone = true;
    });
    const deadline = launchedAt + HEADERS_TIMEOUT_MS + CUT_OFF_SLACK_MS;
    while (!swarmGone && Date.now() < deadline) {
      served.push(await normalRequest());
      await sleep(100);
    }
    await allClosedWithin(swarm, Math.max(0, deadline - Date.now()));

    // Every slowloris connection is closed within the header timeout plus the check interval.
    const open = swarm.filter((client) => client.closedAt === null);
    expect(open.length, `${open.length} slowloris connections still open`).toBe(0);
    expect(Math.max(...swarm.map((client) => client.closedAt ?? Number.POSITIVE_INFINITY)) - launchedAt).toBeLessThan(
      HEADERS_TIMEOUT_MS + CUT_OFF_SLACK_MS,
    );

    // Per address: the connections over the cap are closed at once, the others only by a timeout.
    for (const from of ATTACKERS) {
      const mine = swarm.filter((client) => client.from === from);
      const lifetimes = mine.map((client) => (client.closedAt ?? Number.POSITIVE_INFINITY) - client.startedAt);
      const atOnce = lifetimes.filter((ms) => ms < 1000);
      const held = lifetimes.filter((ms) => ms >= 1000);
      expect(atOnce.length, `${from}: connections closed at once`).toBe(
        CONNECTIONS_PER_ATTACKER - MAX_CONNECTIONS_PER_ADDRESS,
      );
      expect(held.length, `${from}: connections held until a timeout`).toBe(MAX_CONNECTIONS_PER_ADDRESS);
      // Cut off by the timeout, not before it (minus Node's one-second check granularity).
      expect(Math.min(...held)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 1000);
    }

    // The normal client was served throughout, promptly.
    expect(await duringStorm).toMatchObject({ status: 200 });
    expect((await duringStorm).ms).toBeLessThan(2000);
    expect(served.length).toBeGreaterThanOrEqual(5);
    expect(served.map((reply) => reply.status)).toEqual(served.map(() => 200));
    expect(Math.max(...served.map((reply) => reply.ms))).toBeLessThan(1000);

    // Header-timeout victims that were still sending get a 408 in problem+json with the usual
    // security headers; the silent ones are cut off by the idle timeout, without an answer.
    const answered = swarm.filter((client) => client.received.length > 0);
    expect(answered.length).toBeGreaterThan(0);
    for (const client of answered) {
      const response = parseResponse(client.received);
      expect(response.status).toBe(408);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(response.body)).toMatchObject({
        status: 408,
        type: expect.stringMatching(/\/request-timeout$/),
      });
    }
    expect(app.logs.text).toContain('"reason":"ERR_HTTP_REQUEST_TIMEOUT"');

    // Afterwards the attacking addresses are not penalised for good: their slots are free again.
    const after = slowClient(
      ATTACKERS[0] as string,
      'GET /api/health HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n',
      null,
    );
    await allClosedWithin([after], 2000);
    expect(parseResponse(after.received).status).toBe(200);
  });

  it('a POST whose body stalls is cut off after the body idle timeout; others are unaffected', async () => {
    const body = JSON.stringify({ email: 'slow@example.com', password: 'correct horse battery staple 42' });
    const staller = slowClient(
      '127.0.0.12',
      'POST /api/auth/token HTTP/1.1\r\nHost: bulwark\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      null,
    );
    const during = await normalRequest();
    await allClosedWithin([staller], BODY_IDLE_TIMEOUT_MS + CUT_OFF_SLACK_MS);

    expect(staller.closedAt, 'stalled body still open').not.toBeNull();
    const stalledFor = (staller.closedAt as number) - staller.lastWriteAt;
    expect(stalledFor).toBeGreaterThanOrEqual(BODY_IDLE_TIMEOUT_MS - 100);
    expect(stalledFor).toBeLessThan(BODY_IDLE_TIMEOUT_MS + CUT_OFF_SLACK_MS);
    // Nothing was processed: no answer at all, or a 408, never a 4xx about the half body or a 500.
    if (staller.received) expect(parseResponse(staller.received).status).toBe(408);
    expect(during).toMatchObject({ status: 200 });
    expect(during.ms).toBeLessThan(1000);
  });

  it('a body that keeps arriving in time is not cut off by the idle timeout', async () => {
    // The idle timeout is about silence, not slowness: a body sent in pieces, each well within
    // the idle timeout, is answered as usual (here 401: the account does not exist).
    const body = JSON.stringify({ email: 'nobody-slow@example.com', password: 'correct horse battery staple 42' });
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.13' });
    sockets.add(socket);
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'POST /api/auth/token HTTP/1.1\r\nHost: bulwark\r\nContent-Type: application/json\r\nConnection: close\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    const pieces = 3;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces; i++) {
      await sleep(BODY_IDLE_TIMEOUT_MS / 2);
      socket.write(body.slice(i * size, (i + 1) * size));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
    clearTimeout(timer);
    expect(parseResponse(received).status).toBe(401);
  });
});
