import type { FastifyRequest } from 'fastify';
import { appError } from '../../errors/index.js';
import type { ApiKeyScope } from './api-key-service.js';
import type { AuthContext } from './auth-context.js';

/** The caller, or 401. API keys pass only when they carry `scope`. */
export function requireUser(request: FastifyRequest, scope?: ApiKeyScope): AuthContext {
  const auth = request.auth;
  if (!auth) throw appError('AUTH_REQUIRED');
  if (auth.via === 'apiKey' && (!scope || !auth.scopes?.includes(scope))) {
    throw appError('AUTH_FORBIDDEN', {
      detail: scope ? `This API key lacks the ${scope} scope.` : 'API keys cannot do this.',
    });
  }
  return auth;
}

/** A browser session or bearer token family: account management is never open to API keys. */
export function requireSession(request: FastifyRequest): AuthContext & { sessionId: string } {
  const auth = requireUser(request);
  if (!auth.sessionId) throw appError('AUTH_FORBIDDEN', { detail: 'API keys cannot do this.' });
  return auth as AuthContext & { sessionId: string };
}

/** Sensitive actions need a sign-in or re-authentication within the step-up window. */
export function requireRecentAuth(auth: AuthContext, windowSeconds: number, nowMs: number): void {
  if (!auth.reauthAtMs || nowMs - auth.reauthAtMs > windowSeconds * 1000) throw appError('AUTH_STEP_UP_REQUIRED');
}

export function requireAdmin(request: FastifyRequest): AuthContext {
  const auth = requireUser(request, 'admin');
  if (auth.user.role !== 'admin') throw appError('AUTH_FORBIDDEN', { detail: 'Administrators only.' });
  return auth;
}
