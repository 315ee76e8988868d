import type { OutboundClient, OutboundRequest } from './outbound-types.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
/** Statuses whose response has no body; `new Response` refuses one for them. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for libraries that take one (openid-client's `customFetch`), making every request
 * through the guard: same checks, pinning, redirects re-checked (or returned as they are for
 * `redirect: 'manual'`), timeouts and size cap. Refusals reject with the guard's OutboundError.
 */
export function createGuardedFetch(request: OutboundClient['request']): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    // A Request over a placeholder URL normalises whatever init holds (URLSearchParams, Headers,
    // ArrayBuffer) without judging the real URL, which the guard does.
    const normalised =
      input instanceof Request ? new Request(input, init) : new Request('http://unused.invalid/', init);
    if (!METHODS.has(normalised.method)) throw new TypeError(`outbound requests do not support ${normalised.method}`);
    if (normalised.redirect === 'error') throw new TypeError('redirect: "error" is not supported; use "manual"');
    const outbound: OutboundRequest = {
      method: normalised.method as NonNullable<OutboundRequest['method']>,
      headers: Object.fromEntries(normalised.headers),
      redirect: normalised.redirect === 'manual' ? 'manual' : 'follow',
      ...(normalised.body ? { body: new Uint8Array(await normalised.arrayBuffer()) } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
    };
    const answer = await request(url, outbound);
    const response = new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
    Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  };
}
