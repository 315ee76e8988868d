import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:http';

/**
 * Real HTTP requests to a listening test app, each from a chosen loopback source address
 * (127.0.0.2, 127.0.0.3, …; Linux routes all of 127/8 to lo), so every simulated attacker or
 * user has its own socket address as the server sees it.
 */
export interface LoopbackResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON object; empty when the body is not a JSON object (see `text`). */
  body: Record<string, unknown>;
  text: string;
}

export interface LoopbackRequest {
  method?: string;
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
}

export interface LoopbackClient {
  readonly from: string;
  send: (options: LoopbackRequest) => Promise<LoopbackResponse>;
  get: (path: string, headers?: Record<string, string>) => Promise<LoopbackResponse>;
  post: (path: string, json: unknown, headers?: Record<string, string>) => Promise<LoopbackResponse>;
}

/** A client for the app at `baseUrl` whose sockets are bound to `localAddress`. */
export function loopbackClient(baseUrl: string, localAddress: string): LoopbackClient {
  const { hostname, port } = new URL(baseUrl);
  const send = ({ method = 'GET', path, json, headers = {} }: LoopbackRequest) =>
    new Promise<LoopbackResponse>((resolve, reject) => {
      const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
      const req = request(
        {
          host: hostname,
          port: Number(port),
          localAddress,
          method,
          path,
          // A fresh connection per request: no pooled socket can carry another address's traffic.
          agent: false,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: Record<string, unknown> = {};
            try {
              const parsed: unknown = JSON.parse(text);
              if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
                body = parsed as Record<string, unknown>;
            } catch {}
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    from: localAddress,
    send,
    get: (path, headers) => send({ path, ...(headers ? { headers } : {}) }),
    post: (path, json, headers) => send({ method: 'POST', path, json, ...(headers ? { headers } : {}) }),
  };
}

/** The ABUSE_* refusals all carry a positive whole number of seconds in Retry-After. */
export function retryAfterSeconds(response: LoopbackResponse): number {
  const value = response.headers['retry-after'];
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new Error(`expected Retry-After in seconds, got ${String(value)}`);
  }
  return Number(value);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
