import type { OutboundRequest, OutboundResponse } from './outbound-types.js';

/**
 * Redirects, followed by hand so each target is checked like the first URL (fetch's own
 * `redirect: 'follow'` would connect first and ask later). Method and body change as in the
 * Fetch standard; on a move to another origin only harmless headers travel, so an
 * `Authorization` or webhook signature meant for one receiver never reaches another.
 */

export interface Hop {
  url: string;
  method: NonNullable<OutboundRequest['method']>;
  headers: Record<string, string>;
  body: OutboundRequest['body'];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that say nothing about who is calling; the rest stay with the first origin. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'content-type', 'user-agent']);

/** The absolute URL a response redirects to, or null when it is not a redirect. */
export function redirectTarget(response: OutboundResponse): string | null {
  const location = response.headers.get('location');
  if (!REDIRECT_STATUSES.has(response.status) || location === null) return null;
  return URL.parse(location, response.url)?.href ?? location;
}

/** The request to make to `target` after `status` answered `hop`. */
export function nextHop(hop: Hop, status: number, target: string): Hop {
  // 303 always, and 301/302 after a POST, turn into a GET without a body (Fetch standard, 4.4).
  const becomesGet =
    status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST';
  const isSameOrigin = URL.parse(target)?.origin === URL.parse(hop.url)?.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    const lower = name.toLowerCase();
    if (becomesGet && (lower === 'content-type' || lower === 'content-length')) continue;
    if (isSameOrigin || CROSS_ORIGIN_HEADERS.has(lower)) headers[name] = value;
  }
  return {
    url: target,
    method: becomesGet ? 'GET' : hop.method,
    headers,
    body: becomesGet ? undefined : hop.body,
  };
}
