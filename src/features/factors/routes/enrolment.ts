import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuthContext,
  type AuthDeps,
  PublicUserSchema,
  replaceWithFullSignIn,
  requireFullRecentAuth,
  requireRecentAuth,
  SignInTokensSchema,
  StageFlags,
  setSessionCookie,
} from '../../auth-core/index.js';

/** What completing a second step returns: a user (browser session) or tokens (bearer). */
export const SecondStepOutcome = Type.Union([
  Type.Object({ user: PublicUserSchema, ...StageFlags }),
  SignInTokensSchema,
]);

/**
 * After a factor is enrolled the sign-in's privileges change. A browser session that could only
 * enrol becomes a full one under a new id; any other session gets a new id (cookie) and counts
 * as having just proved a factor. A bearer sign-in made only to enrol stays restricted: the
 * client signs in again with `code`, as the contract says.
 */
export async function afterEnrolment(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthContext & { sessionId: string },
) {
  if (auth.stage === 'enrol') {
    if (auth.via === 'cookie') await replaceWithFullSignIn(deps, request, reply, auth);
    return;
  }
  // A new id for the browser session (a privilege change). Enrolling proves only the new factor:
  // it counts as "the factor" for later sensitive actions only when it is the account's first.
  const kind = auth.via === 'cookie' ? 'cookie' : 'bearer';
  const firstFactor = auth.user.mfa_enrolled_ms === null;
  const token = await deps.sessions.markReauthenticated(auth.sessionId, kind, { password: false, factor: firstFactor });
  if (token) setSessionCookie(reply, token, deps.config.auth.sessionAbsoluteLifetimeSeconds);
}

/**
 * Adding a factor to an account that has one is as sensitive as removing one: a stolen session
 * plus the password must not enrol the attacker's own factor and then pass for "the factor".
 * A first factor needs a recent sign-in (for an administrator, the sign-in made to enrol).
 */
export function requireEnrolmentAuth(deps: AuthDeps, auth: AuthContext): void {
  const window = deps.config.auth.stepUpWindowSeconds;
  if (auth.user.mfa_enrolled_ms === null) requireRecentAuth(auth, window, deps.now());
  else requireFullRecentAuth(auth, window, deps.now());
}
