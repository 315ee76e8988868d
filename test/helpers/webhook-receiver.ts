import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, and what it answered. */
export interface ReceivedDelivery {
  /** The request path (each test's webhook gets its own). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** What the receiver answers a request: a status, optionally with headers (a redirect). */
export type ReceiverAnswer = number | { status: number; headers: Record<string, string> };

export interface WebhookReceiver {
  /** `http://<host>:<port>` */
  url: string;
  host: string;
  port: number;
  received: ReceivedDelivery[];
  /** Sets how later requests to `path` are answered (default 204). */
  answer: (
    path: string,
    answer: (delivery: Omit<ReceivedDelivery, 'answered'>) => ReceiverAnswer | Promise<ReceiverAnswer>,
  ) => void;
  /** The requests to `path`, in order. */
  receivedAt: (path: string) => ReceivedDelivery[];
  /** The message ids (`webhook-id`) of requests to `path` answered 2xx, in order. */
  acceptedIds: (path: string) => string[];
  /** Stops listening; `listen` starts again on the same port (a receiver coming back). */
  close: () => Promise<void>;
  listen: () => Promise<void>;
}

/** A real HTTP receiver on a loopback address (127.0.0.1 by default), port chosen by the system. */
export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const answers = new Map<
    string,
    (delivery: Omit<ReceivedDelivery, 'answered'>) => ReceiverAnswer | Promise<ReceiverAnswer>
  >();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const delivery = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const chosen = (await answers.get(delivery.path)?.(delivery)) ?? 204;
      const { status, headers } = typeof chosen === 'number' ? { status: chosen, headers: {} } : chosen;
      received.push({ ...delivery, answered: status });
      res.writeHead(status, headers).end();
    });
  });
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get url() {
      return `http://${host}:${port}`;
    },
    host,
    get port() {
      return port;
    },
    received,
    answer: (path, next) => {
      answers.set(path, next);
    },
    receivedAt: (path) => received.filter((d) => d.path === path),
    acceptedIds: (path) =>
      received
        .filter((d) => d.path === path && d.answered >= 200 && d.answered < 300)
        .map((d) => String(d.headers['webhook-id'])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    listen,
  };
}

/**
 * A receiver's check of a Standard Webhooks signature, written from the specification alone
 * (not from Bulwark's signer): HMAC-SHA256 with the base64-decoded part of `whsec_…` over
 * `${webhook-id}.${webhook-timestamp}.${body}`, compared in constant time with any `v1,`
 * signature of the space-separated header, and a timestamp within 5 minutes.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, encoded] = entry.split(',');
    const given = Buffer.from(encoded ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Waits until `check` holds, polling; fails naming `what` when it never does. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
