import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  auditEvent,
  checkSecondFactorCode,
  completeSecondStep,
  problem,
  requireFullRecentAuth,
  requireSession,
  SecondFactorCode,
  strictBody,
} from '../../auth-core/index.js';

import { afterEnrolment, requireEnrolmentAuth, SecondStepOutcome } from './enrolment.js';

const RecoveryCodesSchema = Type.Object({ recoveryCodes: Type.Array(Type.String()) });

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
