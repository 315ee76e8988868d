/**
 * The one way the server makes a request to an address a user or an administrator chose
 * (webhooks, OIDC discovery, any URL field the server fetches): the shapes shared by the guard
 * (`outbound-guard.ts`) and the features that call it. Defences against SSRF live behind this
 * seam, so no feature opens its own connection to a user-supplied address.
 */

/** What an outbound request may reach, and how long and how much it may take. */
export interface OutboundPolicy {
  /** Plain `http:` allowed (else `https:` only). */
  allowHttp: boolean;
  /**
   * Address ranges (CIDR, e.g. `10.1.2.0/24`, `127.0.0.1/32`, `::1/128`) allowed even though they
   * are loopback, private, link-local, CGNAT, multicast or metadata addresses.
   */
  allowedCidrs: readonly string[];
  /** Redirects followed, each re-checked like the first request. */
  maxRedirects: number;
  connectTimeoutMs: number;
  /** From the start of the request to the end of the response body, redirects included. */
  totalTimeoutMs: number;
  /** A longer response body is cut off and the request fails. */
  maxResponseBytes: number;
  /** DNS servers (`host` or `host:port`) used instead of the system resolver; empty: system. */
  dnsServers: readonly string[];
}

export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Cancels the request (on top of the policy's total timeout). */
  signal?: AbortSignal;
  /** `manual` returns a redirect response as it is instead of following it. Default `follow`. */
  redirect?: 'follow' | 'manual';
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The URL that answered (after redirects). */
  url: string;
  /** The address the connection was made to (after the check). */
  address: string;
}

/** Why an outbound request was refused or failed; stable strings for audit and the delivery log. */
export type OutboundFailureReason =
  | 'scheme' // not https (or http when allowed), or credentials in the URL
  | 'address' // resolves to (or is) a refused address range
  | 'dns' // the name does not resolve
  | 'redirects' // more than maxRedirects, or a redirect to a refused URL
  | 'timeout' // connect or total timeout
  | 'too-large' // response over maxResponseBytes
  | 'network'; // connection refused, reset, TLS failure

/** Thrown for every refused or failed outbound request; `reason` says which. */
export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundFailureReason,
    /** The URL that was refused (credentials removed). */
    readonly url: string,
    message: string,
    /** The address that was refused, when an address was the reason. */
    readonly address?: string,
    /** `cause`: the library or socket error behind a `network` or `timeout` failure, for the log. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

/** Called for every request the guard refuses before connecting (scheme, address, redirects). */
export type OutboundBlockedListener = (event: { url: string; reason: OutboundFailureReason; address?: string }) => void;

export interface OutboundClient {
  /** Makes the request under the policy; throws OutboundError when refused or failed. */
  request(url: string, init?: OutboundRequest): Promise<OutboundResponse>;
  /**
   * Checks a URL without connecting: scheme, credentials, and a literal address (any spelling:
   * `0x7f000001`, `2130706433`, `[::ffff:127.0.0.1]`). Used when a URL is registered, so an
   * obviously refused one is a 400 at once. Names are checked at delivery time, after DNS.
   */
  checkUrl(url: string): OutboundError | null;
  /** A `fetch`-compatible function under the same policy, for libraries that take one (openid-client). */
  fetch: typeof fetch;
  close(): Promise<void>;
}
