import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { CodeMethod } from '../factors/index.js';
import type { SignInState } from '../sessions/index.js';
import { type AuthContext, toPublicUser } from './auth-context.js';
import { type AuthDeps, auditEvent, clientMeta, setSessionCookie } from './auth-deps.js';

export type SignInMode = 'cookie' | 'bearer';
/** How the first step was made; recorded in the audit log. */
export type SignInMethod = 'password' | 'passkey' | 'oidc' | 'second-step';

/**
 * Where a sign-in stands after its first step. A passkey with user verification is two factors
 * in one; a password or an OIDC provider is one, so a user with a second factor still owes it
 * and a user the policy makes hold one may only enrol it.
 */
export function signInStateFor(deps: AuthDeps, user: UsersTable, factorProven: boolean): SignInState {
  if (factorProven) return { stage: 'full', factorProven: true };
  if (user.mfa_enrolled_ms !== null) return { stage: 'mfa', factorProven: false };
  if (deps.factors.isRequiredFor(user)) return { stage: 'enrol', factorProven: false };
  return { stage: 'full', factorProven: false };
}

/** What a client learns about a new sign-in besides its cookie or tokens. */
function stageFlags(state: SignInState) {
  return {
    mfaRequired: state.stage !== 'full',
    ...(state.stage === 'enrol' ? { mfaEnrolmentRequired: true } : {}),
  };
}

/**
 * Starts a sign-in: a browser session (replacing any the browser had: a new id at every
 * sign-in) or a bearer token family, restricted when a second step is owed. Audited.
 */
export async function beginSignIn(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UsersTable,
  mode: SignInMode,
  method: SignInMethod,
  state: SignInState,
) {
  const details = { via: mode, method, stage: state.stage };
  if (mode === 'cookie') {
    const previous = request.auth?.sessionId;
    if (previous) await deps.sessions.revoke(previous);
    const { token, sessionId, maxAgeSeconds } = await deps.sessions.createCookieSession(
      user.id,
      clientMeta(request),
      state,
    );
    setSessionCookie(reply, token, maxAgeSeconds);
    await auditEvent(deps, request, 'auth.login.success', user.id, { sessionId, ...details });
    return { user: toPublicUser(user), ...stageFlags(state) };
  }
  const { sessionId, tokens } = await deps.sessions.createBearerFamily(user.id, clientMeta(request), state);
  await auditEvent(deps, request, 'auth.login.success', user.id, { sessionId, ...details });
  return { ...tokens, ...stageFlags(state) };
}

/**
 * Checks a TOTP or recovery code for a sign-in or step-up. Wrong codes count toward the same
 * throttle as wrong passwords, and every outcome is audited.
 */
export async function checkSecondFactorCode(
  deps: AuthDeps,
  request: FastifyRequest,
  user: UsersTable,
  code: string,
  purpose: 'sign-in' | 'step-up',
): Promise<CodeMethod> {
  await deps.throttle.assertNotThrottled(user.email, request.client);
  const method = await deps.factors.verifyCode(user.id, code);
  if (!method) {
    await deps.throttle.recordFailure(user.email, request.client);
    await auditEvent(deps, request, 'auth.mfa.failure', user.id, { purpose });
    throw appError('AUTH_INVALID_CODE');
  }
  await deps.throttle.recordSuccess(user.email);
  await auditEvent(deps, request, 'auth.mfa.success', user.id, { purpose, method });
  if (method === 'recovery') {
    await auditEvent(deps, request, 'auth.mfa.recovery_code_used', user.id, {
      remaining: await deps.factors.recovery.remaining(user.id),
    });
  }
  return method;
}

/**
 * Ends the caller's sign-in and begins a full one in its place, with a new session id (or token
 * family), so nothing learnt about the restricted one carries over: at the second step, and when
 * a browser that could only enrol has enrolled.
 */
export async function replaceWithFullSignIn(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthContext & { sessionId: string },
) {
  await deps.sessions.revoke(auth.sessionId);
  request.auth = null;
  const mode: SignInMode = auth.via === 'cookie' ? 'cookie' : 'bearer';
  return beginSignIn(deps, request, reply, auth.user, mode, 'second-step', { stage: 'full', factorProven: true });
}

/** Completes a sign-in that owed its second factor. */
export async function completeSecondStep(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  method: CodeMethod | 'passkey',
) {
  const auth = request.auth;
  if (!auth?.sessionId || auth.stage !== 'mfa') throw appError('AUTH_REQUIRED');
  const outcome = await replaceWithFullSignIn(deps, request, reply, auth as AuthContext & { sessionId: string });
  await auditEvent(deps, request, 'auth.mfa.completed', auth.user.id, { method });
  return outcome;
}
