import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { SessionStage, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { TOKEN_PREFIX } from '../../lib/crypto/token-hasher.js';
import type { LimitResult } from '../../stores/index.js';
import type { ApiKeyService } from '../api-keys/index.js';
import { type AuthContext, SESSION_COOKIE } from '../auth-core/index.js';
import type { UsersRepo } from '../identity/index.js';
import { isValidCsrfToken } from './csrf.js';
import type { ResolvedSession, SessionService } from './session-service.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthenticationDeps {
  sessions: SessionService;
  apiKeys: ApiKeyService;
  users: UsersRepo;
  csrfKey: Buffer;
  /** Origins besides the server's own trusted with cookies (CORS with credentials). */
  credentialedOrigins: readonly string[];
  /** Origins allowed by CORS at all; enough for requests that carry no cookie. */
  corsOrigins: readonly string[];
  /** Spends from the signed-in account's own request budget, across all its addresses. */
  limitUser: (userId: string, points?: number) => Promise<LimitResult>;
  /** Whether the policy makes this user hold a second factor. */
  requiresFactor: (user: UsersTable) => boolean;
}

/**
 * Resolves `request.auth` on every request (bearer token, API key or session cookie) and
 * enforces CSRF defences on unsafe requests: a cross-site Origin or Sec-Fetch-Site is refused
 * outright, and a cookie-authenticated request must carry the session's synchronizer token.
 */
export function registerAuthentication(app: HttpApp, deps: AuthenticationDeps): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('spendAccountBudget', async function spendAccountBudget(this: FastifyRequest, points: number) {
    if (points <= 0 || !this.auth) return;
    const budget = await deps.limitUser(this.auth.user.id, points);
    if (!budget.allowed) throw rateLimited(budget);
  });
  app.addHook('onRequest', async (request) => {
    const isUnsafe = UNSAFE_METHODS.has(request.method);
    const config = request.routeOptions.config;
    if (config.ownsCredential?.(request) === true) return;
    if (isUnsafe) {
      // Cookies ride along on cross-site requests; only origins trusted with credentials may
      // send them or obtain one. Without a cookie, any origin CORS allows may call.
      const carriesCookie = request.cookies[SESSION_COOKIE] !== undefined || config.setsSessionCookie === true;
      refuseCrossSite(request, carriesCookie ? deps.credentialedOrigins : deps.corsOrigins);
    }
    request.auth = await authenticate(request, deps);
    if (request.auth) {
      const budget = await deps.limitUser(request.auth.user.id);
      if (!budget.allowed) throw rateLimited(budget);
      // Routes that act on no session's authority (sign-in, sign-up, mailed links) serve a
      // restricted sign-in too: a browser that abandoned its second step can still sign in anew.
      const stage = request.auth.stage;
      if (stage !== 'full' && config.usesNoSession !== true && config.allowStages?.includes(stage) !== true) {
        throw restrictedSignInRefusal(stage, request.auth.user);
      }
    }
    // Routes that act on no session's authority (sign-in, sign-up, mailed tokens) need no token:
    // the Origin check above is what stops forged sign-ins.
    if (request.auth?.via === 'cookie' && isUnsafe && config.usesNoSession !== true) {
      const token = request.headers['x-csrf-token'];
      if (
        !isValidCsrfToken(deps.csrfKey, request.auth.cookieTokenHash, typeof token === 'string' ? token : undefined)
      ) {
        throw appError('AUTH_CSRF', { detail: 'Missing or wrong X-CSRF-Token.' });
      }
    }
  });
}

const rateLimited = (budget: LimitResult) =>
  appError('ABUSE_RATE_LIMITED', { headers: { 'retry-after': String(budget.retryAfterSeconds) } });

async function authenticate(request: FastifyRequest, deps: AuthenticationDeps): Promise<AuthContext | null> {
  const header = request.headers.authorization;
  if (header !== undefined) return authenticateBearer(header, deps);
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const resolved = await deps.sessions.resolveCookie(cookie);
  if (!resolved) return null;
  const user = resolved.user.disabled === 0 ? resolved.user : undefined;
  if (!user) return null;
  return sessionContext('cookie', resolved, deps);
}

function sessionContext(via: 'cookie' | 'bearer', resolved: ResolvedSession, deps: AuthenticationDeps): AuthContext {
  const { session, user } = resolved;
  return {
    user,
    via,
    sessionId: session.id,
    ...(via === 'cookie' && session.token_hash !== null ? { cookieTokenHash: session.token_hash } : {}),
    reauthAtMs: session.reauth_ms,
    factorAtMs: session.factor_ms,
    stage: effectiveStage(session.stage, user, deps),
    schemaVersion: resolved.schemaVersion,
  };
}

/**
 * What a restricted sign-in is told when it reaches a route it may not use: which step it still
 * owes. A sign-in made only to enrol is not upgraded by enrolling (a bearer token cannot be
 * handed a new id the way a cookie is), so once the factor exists the next step is a new sign-in
 * with the code, not another enrolment; saying "enrol first" then reads as if enrolment failed.
 */
function restrictedSignInRefusal(stage: Exclude<SessionStage, 'full'>, user: UsersTable) {
  if (stage === 'mfa') return appError('AUTH_MFA_REQUIRED');
  if (user.mfa_enrolled_ms !== null) {
    return appError('AUTH_MFA_SIGN_IN_AGAIN', {
      detail:
        'Your second factor is enrolled; this sign-in was only for enrolling it. Sign in again with your code: POST /api/auth/token (or /api/auth/login) with {email, password, code}.',
    });
  }
  return appError('AUTH_MFA_ENROLMENT_REQUIRED');
}

/**
 * A sign-in the policy would make enrol a factor is restricted to enrolment for as long as the
 * user has none, whatever it was when it began (a user promoted to administrator, say).
 */
function effectiveStage(stored: SessionStage, user: UsersTable, deps: AuthenticationDeps): SessionStage {
  if (stored !== 'full') return stored;
  return user.mfa_enrolled_ms === null && deps.requiresFactor(user) ? 'enrol' : 'full';
}

/** A bearer credential that does not resolve is an error, never a silent fall-back to guest. */
async function authenticateBearer(header: string, deps: AuthenticationDeps): Promise<AuthContext> {
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/i.exec(header);
  const token = match?.[1];
  if (token?.startsWith(TOKEN_PREFIX.apiKey)) {
    const key = await deps.apiKeys.resolve(token);
    const user = key ? await activeUser(deps, key.user_id) : undefined;
    if (key && user) {
      // A key acts for its owner: an administrator's key is refused while the administrator
      // has no second factor, exactly as their sign-ins are. The one exception is a key made on
      // the server's shell (`bulwark keys create --admin`): whoever runs commands there already
      // holds the data and the master key, so the shell is the owner's proof. No route can make
      // such a key, and nothing else about it changes: scopes, expiry, revocation, role.
      const stage = key.made_from_shell === 1 ? 'full' : effectiveStage('full', user, deps);
      const scopes = JSON.parse(key.scopes) as string[];
      return { user, via: 'apiKey', apiKeyId: key.id, scopes, stage, schemaVersion: key.schemaVersion };
    }
  } else if (token?.startsWith(TOKEN_PREFIX.access)) {
    const resolved = await deps.sessions.resolveAccessToken(token);
    if (resolved && resolved.user.disabled === 0) return sessionContext('bearer', resolved, deps);
  }
  throw appError('AUTH_INVALID_TOKEN', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
}

async function activeUser(deps: AuthenticationDeps, userId: string) {
  const user = await deps.users.findById(userId);
  return user && user.disabled === 0 ? user : undefined;
}

/** Browsers say where a request comes from; anything cross-site that we do not trust is refused. */
function refuseCrossSite(request: FastifyRequest, trustedOrigins: readonly string[]): void {
  if (trustedOrigins.includes('*') && request.cookies[SESSION_COOKIE] === undefined) return;
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const ownOrigin = `${request.protocol}://${request.host}`;
  const isTrusted = origin !== undefined && (origin === ownOrigin || trustedOrigins.includes(origin));
  if (origin !== undefined && !isTrusted) throw appError('AUTH_CSRF', { detail: 'Cross-origin request refused.' });
  if ((site === 'cross-site' || site === 'same-site') && !isTrusted) {
    throw appError('AUTH_CSRF', { detail: 'Cross-site request refused.' });
  }
}
