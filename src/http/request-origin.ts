import type { FastifyRequest } from 'fastify';
import { appError } from '../errors/index.js';

/**
 * A Host header as RFC 9110 allows it: a registered name or an IPv4 address (RFC 3986 reg-name
 * characters without percent-encoding or sub-delims), or a bracketed IPv6 literal, then an
 * optional port.
 */
const HOST_HEADER = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * The origin this request was sent to (`https://host:port`), for building links and callback
 * addresses when no public URL is configured. A missing Host (HTTP/1.0 allows it), an empty one
 * or one with spaces, slashes or `@` cannot make an origin: that is the client's error (400),
 * not a URL parser's exception (it was a 500).
 */
export function requestOrigin(request: FastifyRequest): string {
  const host = request.host;
  if (typeof host !== 'string' || !HOST_HEADER.test(host)) {
    throw appError('HTTP_BAD_HOST', { detail: 'The Host header is missing or is not a host name with optional port.' });
  }
  const origin = `${request.protocol}://${host}`;
  if (!URL.canParse(origin)) throw appError('HTTP_BAD_HOST', { detail: 'The Host header is not a valid host.' });
  return origin;
}
