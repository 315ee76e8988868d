import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { createCidrMatcher } from '../../../lib/net/cidr.js';

export interface MetricsRouteDeps {
  /** `metrics.token`: the bearer token Prometheus sends. */
  token?: string | undefined;
  /** `metrics.allowedCidrs`: addresses that may scrape without it. */
  allowedCidrs: readonly string[];
  scrape: () => Promise<string>;
  contentType: string;
}

/**
 * `GET /metrics`, Prometheus text, for the bearer token or an allow-listed client address; for
 * anyone else exactly the 404 of an unknown route. Kept out of the OpenAPI document: it is no
 * part of the API a client may call.
 */
export function registerMetricsRoute(app: HttpApp, deps: MetricsRouteDeps): void {
  const isAllowed = createCidrMatcher(deps.allowedCidrs);
  const isToken = createTokenCheck(deps.token);
  const hasToken = (request: FastifyRequest) => isToken(bearerOf(request));
  app.get(
    '/metrics',
    {
      schema: { hide: true },
      // Unlisted: another method gets the 404 of an unknown path, not a 405 naming GET.
      config: { unlisted: true, ownsCredential: hasToken },
    },
    async (request, reply) => {
      if (!isAllowed(request.client.address) && !hasToken(request)) throw appError('HTTP_NOT_FOUND');
      const text = await deps.scrape();
      return reply.type(deps.contentType).header('cache-control', 'no-store').send(text);
    },
  );
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^bearer /i.test(header)) return undefined;
  return header.slice('bearer '.length).trim();
}

/**
 * Only a keyed hash of the token stays in memory, and a presented token is compared by its
 * hash in constant time: equal-length digests, so neither the token's length nor a matching
 * prefix shows in the timing.
 */
function createTokenCheck(token: string | undefined): (presented: string | undefined) => boolean {
  if (!token) return () => false;
  const key = randomBytes(32);
  const digest = (value: string) => createHmac('sha256', key).update(value).digest();
  const expected = digest(token);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected);
}
