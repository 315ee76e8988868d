import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Bounds on everything the scanner sends: a scan is polite and finite by construction. */
export interface ScanLimits {
  maxRequests: number;
  timeoutMs: number;
  /** Pause between two requests (from `--rate`). */
  delayMs: number;
  /** Bytes of a response body read at most; the rest is dropped unread. */
  maxResponseBytes: number;
}

export interface ScanRequest {
  method?: string;
  /** Path and query on the target's origin, starting with one `/`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ScanResponse {
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 (lossy), for pattern checks. */
  text: string;
}

/** Thrown when the request budget is spent: the scan stops and says which checks did not run. */
export class BudgetExhaustedError extends Error {}

/**
 * TLS settings for HTTP requests: the scanner must read a server that offers only TLS 1.0 or a
 * self-signed certificate (the TLS check judges those); `SECLEVEL=0` lets OpenSSL 3 offer them.
 */
const PERMISSIVE_TLS = { rejectUnauthorized: false, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

/**
 * The only way the scanner talks HTTP: every request counts against the budget, waits its turn,
 * times out, reads a bounded body, never follows a redirect and never leaves the target's origin.
 */
export class ScanClient {
  readonly target: URL;
  readonly isHttps: boolean;
  /** Every Set-Cookie header seen, with the URL that sent it (for the cookie check). */
  readonly cookies: Array<{ url: string; header: string }> = [];
  /** Why the last request got no answer (a Node error code such as ECONNREFUSED), if it did not. */
  lastFailure: string | undefined;
  /** Every request that got no answer ("GET /x: ETIMEDOUT"): what it probed was not judged. */
  readonly unanswered: string[] = [];
  private sent = 0;
  private nextAllowedAtMs = 0;

  constructor(
    target: URL,
    private readonly limits: ScanLimits,
    private readonly onRequest: () => void = () => {},
  ) {
    this.target = target;
    this.isHttps = target.protocol === 'https:';
  }

  get requestsSent(): number {
    return this.sent;
  }

  /** Sends one request; resolves null when no answer came (timeout, refused, reset). */
  async send(spec: ScanRequest): Promise<ScanResponse | null> {
    const url = new URL(spec.path, this.target.origin);
    // The scanner is aimed at one origin on purpose; a path that would leave it is a bug here.
    if (url.origin !== this.target.origin || !spec.path.startsWith('/')) {
      throw new Error(`scan request off the target origin: ${spec.path}`);
    }
    if (this.sent >= this.limits.maxRequests) throw new BudgetExhaustedError();
    const waitMs = this.nextAllowedAtMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    this.sent += 1;
    this.onRequest();
    try {
      const response = await this.exchange(url, spec);
      this.lastFailure = undefined;
      for (const header of [response.headers['set-cookie'] ?? []].flat()) this.cookies.push({ url: url.href, header });
      return response;
    } catch (error) {
      this.lastFailure = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.unanswered.push(`${spec.method ?? 'GET'} ${url.pathname}: ${this.lastFailure}`);
      return null;
    } finally {
      this.nextAllowedAtMs = Date.now() + this.limits.delayMs;
    }
  }

  private exchange(url: URL, spec: ScanRequest): Promise<ScanResponse> {
    const options = {
      method: spec.method ?? 'GET',
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (this.isHttps ? 443 : 80),
      path: spec.path,
      headers: { 'user-agent': 'bulwark-scan', accept: '*/*', ...spec.headers },
      agent: false,
      ...(this.isHttps ? { ...PERMISSIVE_TLS, ...(isIP(url.hostname) ? {} : { servername: url.hostname }) } : {}),
    };
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        readBounded(res, this.limits.maxResponseBytes).then(
          (body) =>
            resolve({ url: url.href, status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() }),
          reject,
        );
      };
      const req = this.isHttps ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
      const timer = setTimeout(
        () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        this.limits.timeoutMs,
      );
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(spec.body);
    });
  }
}

/** Reads at most maxBytes of a body, then drops the connection: a huge answer cannot flood the scanner. */
function readBounded(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) {
        res.destroy();
        resolve(Buffer.concat(chunks).subarray(0, maxBytes));
      }
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (error) => (size >= maxBytes ? undefined : reject(error)));
    // A server that closes mid-body: judge what arrived.
    res.on('close', () => resolve(Buffer.concat(chunks)));
  });
}
