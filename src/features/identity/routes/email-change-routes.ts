import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  afterResponse,
  auditEvent,
  baseUrlFor,
  Email,
  OpaqueToken,
  PublicUserSchema,
  problem,
  requireFullRecentAuth,
  requireSession,
  strictBody,
  toPublicUser,
} from '../../auth-core/index.js';
import { MAILED_TOKEN_TTL_SECONDS } from '../account-service.js';

/**
 * Email change: the only way `email` changes. It needs a recent sign-in; with mail on, the new
 * address must confirm a mailed link before anything changes.
 */
export function registerEmailChangeRoutes(app: HttpApp, deps: AuthDeps): void {
  app.post(
    '/api/auth/email/change',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change my email (step-up required; confirmed from the new address when mail is on)',
        body: Type.Object({ email: Email }, strictBody),
        response: {
          200: Type.Object({ user: PublicUserSchema }),
          202: Type.Object({ status: Type.Literal('accepted') }),
          403: problem,
          409: problem,
        },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      requireFullRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
      const { email } = request.body;
      const mailer = deps.mailer;
      if (!mailer) {
        const changed = await deps.accounts.changeEmail(auth.user.id, email);
        await auditEvent(deps, request, 'auth.email.change', auth.user.id, { from: auth.user.email, to: changed });
        const user = await deps.accounts.users.findById(auth.user.id);
        return reply.code(200).send({ user: toPublicUser(user ?? auth.user) });
      }
      const token = await deps.accounts.issueToken(
        'change-email',
        auth.user.id,
        MAILED_TOKEN_TTL_SECONDS,
        email.trim().toLowerCase(),
      );
      const baseUrl = baseUrlFor(deps, request);
      afterResponse(reply, () => mailer.sendEmailChange(email, token, baseUrl));
      await auditEvent(deps, request, 'auth.email.change.requested', auth.user.id);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/auth/email/change/confirm',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Confirm an email change with the token mailed to the new address',
        body: Type.Object({ token: OpaqueToken }, strictBody),
        response: { 204: NoContent, 400: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const change = await deps.accounts.confirmEmailChange(request.body.token);
      await auditEvent(deps, request, 'auth.email.change', change.userId, { from: change.oldEmail, to: change.email });
      return reply.code(204).send();
    },
  );
}
