import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FrozenConfig } from '../config/index.js';
import { type AppError, appError } from '../errors/index.js';
import { createCidrMatcher } from '../lib/net/cidr.js';
import { type Ban, type BanStore, type Limiter, type SharedState, StoreUnavailableError } from '../stores/index.js';

/** Route classes with their own budget; routes name theirs in `config.rateLimit`. */
export type RateLimitClass = 'api' | 'auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `auth` for sign-in, sign-up, token, refresh, reset and step-up routes: a tighter budget that fails closed. */
    rateLimit?: RateLimitClass;
  }
  interface FastifyRequest {
    /**
     * Spends `points` more from the client address's budget of this route's class, for a
     * request that does the work of several (a batch of record writes counts each one);
     * throws 429 once the budget is spent.
     */
    spendAddressBudget: (points: number) => Promise<void>;
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

  const { bans } = state;

  app.decorateRequest('spendAddressBudget', async function spendAddressBudget(this: FastifyRequest, points: number) {
    if (points <= 0 || isAllowed(this.client.address)) return;
    const limiter = this.routeOptions.config?.rateLimit === 'auth' ? limiters.auth : limiters.api;
    const refusal = await spend(limiter, this.client.key, points);
    if (refusal) throw refusal;
  });

  // Callback-style, and synchronous where the state is in this process (memory, database): the
  // ban lookup and the budget are answered at once, with no promise, closure or result object
  // per request. A shared store (Redis) is asked asynchronously, with the same checks in order.
  app.addHook('onRequest', (request, _reply, done) => {
    const { address, key } = request.client;
    if (isDenied(address)) return done(appError('ABUSE_ADDRESS_REFUSED'));
    // Fastify builds `routeOptions` anew at each read (a dozen fields): read it once. Its
    // `config.url` is the matched route, not the raw URL: `/api/%61dmin/…` is routed to admin
    // routes too; unmatched requests (404s) have none.
    const routeConfig = request.routeOptions.config;
    const route = routeConfig?.url ?? request.url;
    if (route.startsWith('/api/admin/') && !isAdminAllowed(address)) return done(appError('ABUSE_ADDRESS_REFUSED'));
    if (isAllowed(address)) return done();
    const limiter = routeConfig?.rateLimit === 'auth' ? limiters.auth : limiters.api;
    if (bans.lookupInProcess && limiter.tryConsume) {
      const ban = bans.lookupInProcess(key);
      if (ban) return done(bannedError(ban));
      const waitSeconds = limiter.tryConsume(key);
      return done(waitSeconds === 0 ? undefined : rateLimitedError(waitSeconds));
    }
    checkSharedState(bans, limiter, key).then(done, done);
  });
}

/** The same checks as the in-process path, against a shared store; resolves with the refusal, if any. */
async function checkSharedState(bans: BanStore, limiter: Limiter, key: string): Promise<AppError | undefined> {
  const ban = await bans.get(key);
  if (ban) return bannedError(ban);
  return spend(limiter, key, 1);
}

/** Spends from the key's budget; resolves with the refusal once it is spent. */
async function spend(limiter: Limiter, key: string, points: number): Promise<AppError | undefined> {
  try {
    const result = await limiter.consume(key, points);
    return result.allowed ? undefined : rateLimitedError(result.retryAfterSeconds);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw storeUnavailable();
    throw error;
  }
}

function bannedError(ban: Ban): AppError {
  const seconds = Math.max(1, Math.ceil((ban.untilMs - Date.now()) / 1000));
  return appError('ABUSE_BANNED', { headers: { 'retry-after': String(seconds) } });
}

function rateLimitedError(retryAfterSeconds: number): AppError {
  return appError('ABUSE_RATE_LIMITED', { headers: { 'retry-after': String(retryAfterSeconds) } });
}
