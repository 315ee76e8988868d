import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import type { AuthContext } from '../../auth-core/index.js';
import {
  type AuthDeps,
  auditEvent,
  checkSecondFactorCode,
  completeSecondStep,
  PublicUserSchema,
  problem,
  replaceWithFullSignIn,
  requireFullRecentAuth,
  requireRecentAuth,
  requireSession,
  SecondFactorCode,
  SignInTokensSchema,
  StageFlags,
  setSessionCookie,
  strictBody,
} from '../../auth-core/index.js';

const RecoveryCodesSchema = Type.Object({ recoveryCodes: Type.Array(Type.String()) });

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

/** TOTP enrolment and removal, recovery codes, the second sign-in step, and the factor summary. */
export function registerMfaRoutes(app: HttpApp, deps: AuthDeps): void {
  const window = () => deps.config.auth.stepUpWindowSeconds;

  app.get(
    '/api/auth/mfa',
    {
      config: { allowStages: ['enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'My second factors, and whether the policy requires one',
        response: {
          200: Type.Object({
            required: Type.Boolean(),
            enrolled: Type.Boolean(),
            totp: Type.Boolean(),
            passkeys: Type.Integer(),
            recoveryCodesLeft: Type.Integer(),
          }),
          401: problem,
        },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      return {
        required: deps.factors.isRequiredFor(auth.user),
        enrolled: auth.user.mfa_enrolled_ms !== null,
        ...(await deps.factors.summary(auth.user.id)),
      };
    },
  );

  app.post(
    '/api/auth/mfa/totp/setup',
    {
      config: { allowStages: ['enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP enrolment: a secret and an otpauth:// URL for the authenticator app',
        response: {
          200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }),
          401: problem,
          409: problem,
        },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      requireEnrolmentAuth(deps, auth);
      const result = await deps.factors.totp.setup(auth.user);
      await auditEvent(deps, request, 'auth.mfa.totp.setup', auth.user.id);
      return result;
    },
  );

  app.post(
    '/api/auth/mfa/totp/confirm',
    {
      config: { allowStages: ['enrol'], rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Confirm TOTP with a first code; returns 10 single-use recovery codes',
        body: Type.Object({ code: SecondFactorCode }, strictBody),
        response: { 200: RecoveryCodesSchema, 401: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      requireEnrolmentAuth(deps, auth);
      await deps.throttle.assertNotThrottled(auth.user.email, request.client);
      if (!(await deps.factors.totp.confirm(auth.user.id, request.body.code))) {
        await deps.throttle.recordFailure(auth.user.email, request.client);
        await auditEvent(deps, request, 'auth.mfa.failure', auth.user.id, { purpose: 'totp-confirm' });
        throw appError('AUTH_INVALID_CODE');
      }
      await deps.factors.markEnrolled(auth.user.id);
      const recoveryCodes = await deps.factors.recovery.regenerate(auth.user.id);
      await auditEvent(deps, request, 'auth.mfa.totp.enrolled', auth.user.id);
      await afterEnrolment(deps, request, reply, auth);
      return { recoveryCodes };
    },
  );

  app.delete(
    '/api/auth/mfa/totp',
    {
      schema: {
        tags: ['auth'],
        summary: 'Remove the authenticator app (needs a recent password and second factor)',
        response: { 204: NoContent, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      requireFullRecentAuth(auth, window(), deps.now());
      if (!(await deps.factors.totp.isConfirmed(auth.user.id))) throw appError('AUTH_NOT_FOUND');
      await deps.factors.assertRemovable(auth.user);
      await deps.factors.totp.remove(auth.user.id);
      const stillEnrolled = await deps.factors.settleAfterRemoval(auth.user.id);
      await auditEvent(deps, request, 'auth.mfa.totp.removed', auth.user.id, { stillEnrolled });
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/mfa/recovery-codes',
    {
      schema: {
        tags: ['auth'],
        summary: 'Replace all recovery codes (needs a recent password and second factor)',
        response: { 200: RecoveryCodesSchema, 401: problem, 403: problem, 409: problem },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      if (auth.user.mfa_enrolled_ms === null) {
        throw appError('AUTH_MFA_STATE', { detail: 'Enrol a second factor first; recovery codes come with it.' });
      }
      requireFullRecentAuth(auth, window(), deps.now());
      const recoveryCodes = await deps.factors.recovery.regenerate(auth.user.id);
      await auditEvent(deps, request, 'auth.mfa.recovery_codes.regenerated', auth.user.id);
      return { recoveryCodes };
    },
  );

  app.post(
    '/api/auth/mfa/verify',
    {
      config: { allowStages: ['mfa'], rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Complete a sign-in that owes its second factor, with a TOTP or recovery code',
        body: Type.Object({ code: SecondFactorCode }, strictBody),
        response: { 200: SecondStepOutcome, 401: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      if (auth.stage !== 'mfa') throw appError('AUTH_MFA_STATE', { detail: 'This sign-in owes no second factor.' });
      const method = await checkSecondFactorCode(deps, request, auth.user, request.body.code, 'sign-in');
      return completeSecondStep(deps, request, reply, method);
    },
  );
}
