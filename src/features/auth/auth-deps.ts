import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FrozenConfig } from '../../config/index.js';
import { requestOrigin } from '../../http/request-origin.js';
import type { AuditEventType, AuditSink } from '../audit/index.js';
import type { AccountService } from './account-service.js';
import type { ApiKeyService } from './api-key-service.js';
import { SESSION_COOKIE } from './authenticate.js';
import type { SecondFactors } from './mfa/second-factors.js';
import type { ClientMeta, SessionService } from './session-service.js';
import type { SignInThrottle } from './sign-in-throttle.js';

/** Mail the auth routes send; null when no SMTP server is configured. */
export interface AccountMailer {
  sendVerification: (email: string, token: string, baseUrl: string) => Promise<void>;
  sendPasswordReset: (email: string, token: string, baseUrl: string) => Promise<void>;
  sendRegistrationAttempt: (email: string, baseUrl: string) => Promise<void>;
  sendEmailChange: (newEmail: string, token: string, baseUrl: string) => Promise<void>;
  /** An account made by an operator: a set-password link valid `expiresInMinutes`. */
  sendInvitation: (email: string, token: string, baseUrl: string, expiresInMinutes: number) => Promise<void>;
}

/** Everything the auth routes need, built once by the feature's index. */
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
