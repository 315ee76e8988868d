import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type ReceivedRequest, startHttpTarget, type TargetHandler } from './http-target.js';

/** One request a receiver got, and what it answered. */
export interface ReceivedDelivery extends ReceivedRequest {
  answered: number;
}

/** What the receiver answers a request: a status, optionally with headers (a redirect). */
export type ReceiverAnswer = number | { status: number; headers: Record<string, string> };
type Answerer = (request: ReceivedRequest) => ReceiverAnswer | Promise<ReceiverAnswer>;

export interface WebhookReceiver {
  /** `http://<host>:<port>` */
  url: string;
  port: number;
  received: ReceivedDelivery[];
  /** Sets how later requests to `path` are answered (default 204); the answer may wait. */
  answer: (path: string, answer: Answerer) => void;
  /** The requests to `path`, in order. */
  receivedAt: (path: string) => ReceivedDelivery[];
  /** The message ids (`webhook-id`) of requests to `path` answered 2xx, in order. */
  acceptedIds: (path: string) => string[];
  /** Stops listening; `listen` starts again on the same port (a receiver coming back). */
  close: () => Promise<void>;
  listen: () => Promise<void>;
}

/**
 * A webhook receiver on a loopback address (127.0.0.1 by default): the HTTP target of the
 * outbound tests, answering per path and remembering every request across a stop and a restart.
 */
export async function startWebhookReceiver(host = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const answers = new Map<string, Answerer>();
  const handler: TargetHandler = (request, response) => {
    void (async () => {
      const chosen = (await answers.get(request.path)?.(request)) ?? 204;
      const { status, headers } = typeof chosen === 'number' ? { status: chosen, headers: {} } : chosen;
      received.push({ ...request, answered: status });
      response.writeHead(status, headers).end();
    })();
  };
  let target = await startHttpTarget(host, handler);
  const { port, origin } = target;
  const receivedAt = (path: string) => received.filter((d) => d.path === path);
  return {
    url: origin,
    port,
    received,
    answer: (path, answer) => void answers.set(path, answer),
    receivedAt,
    acceptedIds: (path) =>
      receivedAt(path)
        .filter((d) => d.answered >= 200 && d.answered < 300)
        .map((d) => String(d.headers['webhook-id'])),
    close: () => target.close(),
    listen: async () => {
      target = await startHttpTarget(host, handler, port);
    },
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
