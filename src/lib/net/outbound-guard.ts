import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent, request as undiciRequest } from 'undici';
import { type AddressJudge, createAddressJudge } from './address-policy.js';
import { isValidCidr } from './cidr.js';
import { createGuardedFetch } from './outbound-fetch.js';
import { type Hop, nextHop, redirectTarget } from './outbound-redirect.js';
import { createHostResolver, isValidDnsServer, type ResolveHost } from './outbound-resolve.js';
import {
  type OutboundBlockedListener,
  type OutboundClient,
  OutboundError,
  type OutboundPolicy,
  type OutboundRequest,
  type OutboundResponse,
} from './outbound-types.js';
import { checkParsedUrl, describeUrl, hostOf, isLiteralHost, refusedAddress } from './outbound-url.js';

/**
 * The SSRF guard: every request the server makes to an address a user or an administrator chose
 * goes through here. The URL is checked, the host resolved once and every address judged, and the
 * connection is pinned to the judged address (undici's `connect.lookup` hands the socket only that
 * address, so a second DNS answer cannot swap it: DNS rebinding); TLS still verifies the
 * certificate against the host name. Redirects are followed by hand, each one checked again.
 *
 * @example
 * const outbound = createOutboundClient(config.outbound, { onBlocked: (e) => audit(e) });
 * const response = await outbound.request('https://hooks.example.com/in', { method: 'POST', body });
 */
export function createOutboundClient(
  policy: OutboundPolicy,
  options: { onBlocked?: OutboundBlockedListener } = {},
): OutboundClient {
  assertValidPolicy(policy);
  const judge = createAddressJudge(policy.allowedCidrs);
  const resolveHost = createHostResolver(policy.dnsServers, policy.connectTimeoutMs);
  const openAgents = new Set<Agent>();
  const context: HopContext = { policy, judge, resolveHost, openAgents };

  const report = (error: unknown): never => {
    if (error instanceof OutboundError && BLOCKING_REASONS.has(error.reason)) {
      options.onBlocked?.({
        url: error.url,
        reason: error.reason,
        ...(error.address === undefined ? {} : { address: error.address }),
      });
    }
    throw error;
  };

  const request = (url: string, init: OutboundRequest = {}) =>
    requestFollowingRedirects(context, url, init).catch(report);

  return {
    request,
    checkUrl: (url) => {
      const checked = checkParsedUrl(url, policy.allowHttp, judge);
      return checked instanceof OutboundError ? checked : null;
    },
    fetch: createGuardedFetch(request),
    close: async () => {
      await Promise.all([...openAgents].map((agent) => agent.destroy()));
    },
  };
}

/**
 * A policy that cannot be applied as written fails when the client is built, never per request:
 * a mistyped allow-list entry silently ignored would refuse what the administrator meant to allow.
 */
function assertValidPolicy(policy: OutboundPolicy): void {
  const badCidr = policy.allowedCidrs.find((entry) => !isValidCidr(entry));
  if (badCidr !== undefined) throw new TypeError(`outbound.allowedCidrs: "${badCidr}" is not an address or CIDR`);
  const badServer = policy.dnsServers.find((entry) => !isValidDnsServer(entry));
  if (badServer !== undefined) throw new TypeError(`outbound.dnsServers: "${badServer}" is not an IP or IP:port`);
  for (const key of ['connectTimeoutMs', 'totalTimeoutMs', 'maxResponseBytes'] as const) {
    if (!(Number.isInteger(policy[key]) && policy[key] > 0))
      throw new TypeError(`outbound.${key} must be a positive integer`);
  }
  if (!(Number.isInteger(policy.maxRedirects) && policy.maxRedirects >= 0)) {
    throw new TypeError('outbound.maxRedirects must be 0 or more');
  }
}

/** Refusals made before connecting: these are reported to `onBlocked` (audit). */
const BLOCKING_REASONS = new Set(['scheme', 'address', 'redirects']);

interface HopContext {
  policy: OutboundPolicy;
  judge: AddressJudge;
  resolveHost: ResolveHost;
  openAgents: Set<Agent>;
}

async function requestFollowingRedirects(
  context: HopContext,
  url: string,
  init: OutboundRequest,
): Promise<OutboundResponse> {
  const deadline = AbortSignal.timeout(context.policy.totalTimeoutMs);
  const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
  let hop: Hop = { url, method: init.method ?? 'GET', headers: { ...init.headers }, body: init.body };
  for (let redirects = 0; ; redirects += 1) {
    const response = await sendHop(context, hop, signal, redirects > 0);
    const target = init.redirect === 'manual' ? null : redirectTarget(response);
    if (target === null) return response;
    if (redirects >= context.policy.maxRedirects) {
      throw new OutboundError(
        'redirects',
        describeUrl(target),
        `more than ${context.policy.maxRedirects} redirects (outbound.maxRedirects)`,
      );
    }
    hop = nextHop(hop, response.status, target);
  }
}

/** One request without following redirects; a refused redirect target is reported as `redirects`. */
async function sendHop(
  context: HopContext,
  hop: Hop,
  signal: AbortSignal,
  isRedirect: boolean,
): Promise<OutboundResponse> {
  try {
    const url = checkParsedUrl(hop.url, context.policy.allowHttp, context.judge);
    if (url instanceof OutboundError) throw url;
    const address = await pinAddress(context, url, signal);
    return await exchange(context, url, address, hop, signal);
  } catch (error) {
    const failure = toOutboundError(error, hop.url, signal);
    if (isRedirect && (failure.reason === 'scheme' || failure.reason === 'address')) {
      throw new OutboundError('redirects', failure.url, `a redirect was refused: ${failure.message}`, failure.address);
    }
    throw failure;
  }
}

/** Resolves the host once and judges every address; returns the one the connection will use. */
async function pinAddress(context: HopContext, url: URL, signal: AbortSignal): Promise<string> {
  const host = hostOf(url);
  if (isLiteralHost(url)) return host;
  const addresses = await untilAborted(context.resolveHost(host), signal);
  if (addresses.length === 0) {
    throw new OutboundError('dns', describeUrl(url), `the name ${host} does not resolve`);
  }
  // One refused answer refuses the host: an attacker controls which answer a resolver prefers.
  for (const address of addresses) {
    const range = context.judge(address);
    if (range !== null) throw refusedAddress(describeUrl(url), address, range);
  }
  return addresses[0] as string;
}

async function exchange(
  context: HopContext,
  url: URL,
  address: string,
  hop: Hop,
  signal: AbortSignal,
): Promise<OutboundResponse> {
  const agent = new Agent({ connect: { timeout: context.policy.connectTimeoutMs, lookup: pinnedLookup(address) } });
  context.openAgents.add(agent);
  try {
    const response = await undiciRequest(url, {
      dispatcher: agent,
      method: hop.method,
      headers: hop.headers,
      body: hop.body ?? null,
      signal,
    });
    const body = await readCapped(response.body, response.headers, context.policy.maxResponseBytes, url);
    return { status: response.statusCode, headers: toHeaders(response.headers), body, url: url.href, address };
  } finally {
    context.openAgents.delete(agent);
    void agent.destroy();
  }
}

/** A `lookup` that answers every name with the judged address, never asking DNS again. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

type Readable = AsyncIterable<Uint8Array> & { destroy(): void; on(event: 'error', listener: () => void): void };

/** Abandons a body: the socket closes, and the abort error undici then emits has nobody to hear it. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads the body but stops at `maxBytes`: a huge or endless answer cannot fill memory. */
async function readCapped(
  body: Readable,
  headers: Record<string, string | string[] | undefined>,
  maxBytes: number,
  url: URL,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new OutboundError('too-large', describeUrl(url), `the response is larger than ${maxBytes} bytes`);
  if (Number(headers['content-length'] ?? 0) > maxBytes) {
    discard(body);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Library and socket errors become our own reasons; the original stays as `cause` for the log. */
function toOutboundError(error: unknown, rawUrl: string, signal: AbortSignal): OutboundError {
  if (error instanceof OutboundError) return error;
  const url = describeUrl(rawUrl);
  const code = (error as { code?: unknown } | null)?.code;
  if (signal.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new OutboundError('timeout', url, 'the request did not complete in time', undefined, { cause: error });
  }
  return new OutboundError('network', url, 'the connection failed or was cut off', undefined, { cause: error });
}

/** Rejects as soon as `signal` aborts, for steps that take no signal (DNS). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
