import type { FastifyRequest } from 'fastify';
import { appError } from '../../errors/index.js';
import type { ApiKeyScope } from '../api-keys/index.js';
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

/**
 * What a step-up must send, as the problem's `stepUpWith` extension member, so a client can ask
 * for exactly that (a password field, a code field, or both) without reading the prose.
 */
export type StepUpProof = 'password' | 'code';

const isRecent = (atMs: number | null | undefined, windowSeconds: number, nowMs: number) =>
  atMs != null && nowMs - atMs <= windowSeconds * 1000;

/** Sensitive actions need a sign-in or re-authentication (password, code or passkey) within the window. */
export function requireRecentAuth(auth: AuthContext, windowSeconds: number, nowMs: number): void {
  if (!isRecent(auth.reauthAtMs, windowSeconds, nowMs) && !isRecent(auth.factorAtMs, windowSeconds, nowMs)) {
    // Any one proof opens the window: the password when the account has one, else a factor.
    const proof: StepUpProof[] =
      auth.user.password_hash !== null ? ['password'] : auth.user.mfa_enrolled_ms !== null ? ['code'] : [];
    throw appError('AUTH_STEP_UP_REQUIRED', { members: { stepUpWith: proof } });
  }
}

/**
 * The most sensitive actions (changing email, removing a factor, new recovery codes) of a user
 * with a second factor need both, recently: the password (if the account has one) and a factor
 * (ASVS V7.5.1). Without a second factor, a recent password is enough.
 */
export function requireFullRecentAuth(auth: AuthContext, windowSeconds: number, nowMs: number): void {
  const needsPassword = auth.user.password_hash !== null;
  const needsFactor = auth.user.mfa_enrolled_ms !== null;
  const passwordOk = !needsPassword || isRecent(auth.reauthAtMs, windowSeconds, nowMs);
  const factorOk = !needsFactor || isRecent(auth.factorAtMs, windowSeconds, nowMs);
  if (!needsPassword && !needsFactor) {
    requireRecentAuth(auth, windowSeconds, nowMs);
    return;
  }
  if (!passwordOk || !factorOk) {
    throw appError('AUTH_STEP_UP_REQUIRED', {
      detail: needsFactor
        ? 'Confirm your password and a second factor: POST /api/auth/reauth {password, code} (or a passkey), then repeat this request.'
        : 'Confirm your password with POST /api/auth/reauth, then repeat this request.',
      members: { stepUpWith: [...(needsPassword ? ['password'] : []), ...(needsFactor ? ['code'] : [])] },
    });
  }
}

export function requireAdmin(request: FastifyRequest): AuthContext {
  const auth = requireUser(request, 'admin');
  if (auth.user.role !== 'admin') throw appError('AUTH_FORBIDDEN', { detail: 'Administrators only.' });
  return auth;
}

/**
 * Every administrator's change (data model, users, sessions, webhooks, bans): an administrator
 * who signed in (or stepped up) within the step-up window. Admin-scoped API keys were created
 * under step-up and cannot step up again themselves, so they pass on their scope.
 */
export function requireAdminWrite(request: FastifyRequest, stepUpWindowSeconds: number, nowMs: number): AuthContext {
  const auth = requireAdmin(request);
  if (auth.via !== 'apiKey') requireRecentAuth(auth, stepUpWindowSeconds, nowMs);
  return auth;
}
