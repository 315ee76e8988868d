import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FrozenConfig } from '../../config/index.js';
import { requestOrigin } from '../../http/request-origin.js';
// Type-only: the services are built by the features that own them and handed in by the
// assembly (features/auth); nothing of theirs is loaded from here, so no feature's code depends
// on another through this file.
import type { ApiKeyService } from '../api-keys/index.js';
import type { AuditEventType, AuditSink } from '../audit/index.js';
import type { SecondFactors } from '../factors/index.js';
import type { AccountMailer, AccountService } from '../identity/index.js';
import type { ClientMeta, SessionService, SignInThrottle } from '../sessions/index.js';

/** Everything the routes of the sign-in features need, built once by the assembly (features/auth). */
export interface AuthDeps {
  config: FrozenConfig;
  accounts: AccountService;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  factors: SecondFactors;
  audit: AuditSink;
  mailer: AccountMailer | null;
  csrfKey: Buffer;
  throttle: SignInThrottle;
  now: () => number;
}

export function clientMeta(request: FastifyRequest): ClientMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.client.address, userAgent: typeof agent === 'string' ? agent : null };
}

/** Where users reach us: the configured public URL, else the address this request came to. */
export function baseUrlFor(deps: AuthDeps, request: FastifyRequest): string {
  return deps.config.publicUrl ?? requestOrigin(request);
}

/** Records a security event with the caller's address and request id; never fails the request. */
export function auditEvent(
  deps: AuthDeps,
  request: FastifyRequest,
  type: AuditEventType,
  actor: string | undefined,
  details?: Record<string, unknown>,
): Promise<void> {
  return deps.audit
    .record({ type, actor, ip: request.client.address, requestId: String(request.id), details })
    .catch((error: unknown) => request.log.error({ err: error, event: type }, 'audit write failed'));
}

/**
 * The browser session's cookie. Here rather than in sessions/ because every concern that starts or
 * ends a sign-in (sessions, factors, OIDC, user administration) sets or clears it.
 */
export const SESSION_COOKIE = '__Host-bulwark_session';

/** `__Host-` demands Secure, Path=/ and no Domain: the cookie cannot be set by a sibling host. */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
}

/**
 * Runs work whose duration would tell an attacker something (does this account exist?) once
 * the answer has been handed to the connection (or the client has gone), so neither the
 * answer's timing nor CPU the work takes while the answer is still being written reveals
 * anything; failures are logged.
 */
export function afterResponse(reply: FastifyReply, work: () => Promise<void>): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    setImmediate(() => {
      work().catch((error: unknown) => reply.request.log.error({ err: error }, 'background account work failed'));
    });
  };
  // 'close' follows 'finish' and also comes alone when the client leaves early.
  reply.raw.once('finish', start);
  reply.raw.once('close', start);
}
