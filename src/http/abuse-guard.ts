import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FrozenConfig } from '../config/index.js';
import { type AppError, appError } from '../errors/index.js';
import { createCidrMatcher } from '../lib/net/cidr.js';
import { type SharedState, StoreUnavailableError } from '../stores/index.js';

/** Route classes with their own budget; routes name theirs in `config.rateLimit`. */
export type RateLimitClass = 'api' | 'auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `auth` for sign-in, sign-up, token, refresh, reset and step-up routes: a tighter budget that fails closed. */
    rateLimit?: RateLimitClass;
  }
}

/** Seconds to wait when the shared store is down and a fail-closed route cannot be served. */
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;
const RATE_WINDOW_SECONDS = 60;

export function storeUnavailable(): AppError {
  return appError('HTTP_UNAVAILABLE', {
    detail: 'Sign-in is briefly unavailable; try again shortly.',
    expose: true,
    headers: { 'retry-after': String(STORE_DOWN_RETRY_AFTER_SECONDS) },
  });
}

/**
 * First gate of every request, on the client address Fastify derived (X-Forwarded-For only from
 * trusted proxies) in its canonical spelling: deny list, admin allow list, bans, then the rate
 * budget of the route's class. Lists match the address; bans and budgets count the client's key
 * (an IPv6 client by its /64), so neither a new spelling nor a new address in the same network
 * starts afresh. Allow-listed addresses skip bans and budgets.
 */
export function registerAbuseGuard(app: FastifyInstance, config: FrozenConfig, state: SharedState): void {
  const { abuse } = config;
  const isDenied = createCidrMatcher(abuse.denyList);
  const isAllowed = createCidrMatcher(abuse.allowList);
  const isAdminAllowed = abuse.adminAllowList.length > 0 ? createCidrMatcher(abuse.adminAllowList) : () => true;
  const limiters = {
    api: state.createLimiter({ name: 'api', points: abuse.apiRequestsPerMinute, durationSeconds: RATE_WINDOW_SECONDS }),
    auth: state.createLimiter({
      name: 'auth',
      points: abuse.authRequestsPerMinute,
      durationSeconds: RATE_WINDOW_SECONDS,
      failClosed: true,
    }),
  };

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const { address, key } = request.client;
    if (isDenied(address)) throw appError('ABUSE_ADDRESS_REFUSED');
    // The matched route, not the raw URL: `/api/%61dmin/…` is routed to admin routes too.
    const route = request.routeOptions.url ?? request.url;
    if (route.startsWith('/api/admin/') && !isAdminAllowed(address)) throw appError('ABUSE_ADDRESS_REFUSED');
    if (isAllowed(address)) return;
    const ban = await state.bans.get(key);
    if (ban) {
      const seconds = Math.max(1, Math.ceil((ban.untilMs - Date.now()) / 1000));
      throw appError('ABUSE_BANNED', { headers: { 'retry-after': String(seconds) } });
    }
    const routeClass = request.routeOptions.config?.rateLimit ?? 'api';
    let result: Awaited<ReturnType<(typeof limiters)['api']['consume']>>;
    try {
      result = await limiters[routeClass].consume(key);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw storeUnavailable();
      throw error;
    }
    if (!result.allowed) {
      throw appError('ABUSE_RATE_LIMITED', { headers: { 'retry-after': String(result.retryAfterSeconds) } });
    }
  });
}
