import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { isUniqueViolation, type UsersTable } from '../../../db/index.js';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  afterResponse,
  auditEvent,
  baseUrlFor,
  Email,
  OpaqueToken,
  Password,
  PublicUserSchema,
  problem,
  requireSession,
  strictBody,
  toPublicUser,
} from '../../auth-core/index.js';
import type { AccountMailer } from '../account-mailer.js';
import { normaliseEmail } from '../account-rules.js';
import { MAILED_TOKEN_TTL_SECONDS } from '../account-service.js';

const Accepted = Type.Object({ status: Type.Literal('accepted') });

/**
 * The sign-up work when mail is on, run after the answer: a new address gets its account and a
 * verification link; a taken one (also when a simultaneous sign-up took it first) gets a notice
 * that someone tried to register it, with a link to reset the password.
 */
async function registerOrNotifyOwner(
  deps: AuthDeps,
  request: FastifyRequest,
  mailer: AccountMailer,
  body: { email: string; password: string; name?: string },
  baseUrl: string,
): Promise<void> {
  const notifyOwner = (email: string) => mailer.sendRegistrationAttempt(email, baseUrl);
  const existing = await deps.accounts.findByEmail(body.email);
  if (existing) return notifyOwner(existing.email);
  let user: UsersTable;
  try {
    user = await deps.accounts.register({ ...body, verified: false });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return notifyOwner(normaliseEmail(body.email));
  }
  await auditEvent(deps, request, 'auth.register', user.id);
  const token = await deps.accounts.issueToken('verify-email', user.id, MAILED_TOKEN_TTL_SECONDS);
  await mailer.sendVerification(user.email, token, baseUrl);
}

/** Registration, email verification, password reset and change. */
export function registerAccountRoutes(app: HttpApp, deps: AuthDeps): void {
  app.post(
    '/api/auth/register',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Create an account (202 and a mailed link when email verification is on)',
        body: Type.Object(
          { email: Email, password: Password, name: Type.Optional(Type.String({ maxLength: 200 })) },
          strictBody,
        ),
        response: { 201: Type.Object({ user: PublicUserSchema }), 202: Accepted, 400: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const mailer = deps.mailer;
      if (!mailer) {
        // Without mail there is no way to answer a taken address without saying so.
        if (await deps.accounts.findByEmail(body.email)) throw appError('AUTH_EMAIL_TAKEN');
        const user = await deps.accounts.register({ ...body, verified: false }).catch((error: unknown) => {
          // A simultaneous sign-up took the address between the lookup and the insert.
          throw isUniqueViolation(error) ? appError('AUTH_EMAIL_TAKEN') : error;
        });
        await auditEvent(deps, request, 'auth.register', user.id);
        return reply.code(201).send({ user: toPublicUser(user) });
      }
      // With mail, a taken address gets the same 202 and its owner is told by mail instead. The
      // lookup, the argon2 hash and the inserts all happen after the answer, as for
      // password/forgot: the answer's timing cannot reveal whether the address is registered.
      await deps.accounts.requireAcceptablePassword(body.password, normaliseEmail(body.email));
      const baseUrl = baseUrlFor(deps, request);
      afterResponse(reply, () => registerOrNotifyOwner(deps, request, mailer, body, baseUrl));
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/auth/email/verify',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Spend a mailed verification token',
        body: Type.Object({ token: OpaqueToken }, strictBody),
        response: { 204: NoContent, 400: problem },
      },
    },
    async (request, reply) => {
      const userId = await deps.accounts.verifyEmail(request.body.token);
      await auditEvent(deps, request, 'auth.email.verified', userId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/password/forgot',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Mail a reset link; always 202, whether or not the address exists',
        body: Type.Object({ email: Email }, strictBody),
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      const mailer = deps.mailer;
      const baseUrl = baseUrlFor(deps, request);
      // All the work happens after the answer: its timing cannot reveal whether the account exists.
      afterResponse(reply, async () => {
        const user = await deps.accounts.findByEmail(email);
        await auditEvent(deps, request, 'auth.password.forgot', user?.id, { known: Boolean(user) });
        if (!user || !mailer || user.disabled === 1) return;
        const token = await deps.accounts.issueToken('reset-password', user.id, MAILED_TOKEN_TTL_SECONDS);
        await mailer.sendPasswordReset(user.email, token, baseUrl);
      });
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/auth/password/reset',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a mailed token; ends every session, signs nobody in',
        body: Type.Object({ token: OpaqueToken, password: Password }, strictBody),
        response: { 204: NoContent, 400: problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const user = await deps.accounts.resetPassword(body.token, body.password);
      await deps.sessions.revokeAllForUser(user.id);
      await auditEvent(deps, request, 'auth.password.reset', user.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/password/change',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Change the password; ends every other session',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, strictBody),
        response: { 204: NoContent, 400: problem, 401: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      const body = request.body;
      await deps.throttle.assertNotThrottled(auth.user.email, request.client);
      const verdict = await deps.accounts.verifyCredentials(auth.user.email, body.currentPassword);
      if (!verdict.ok) {
        await deps.throttle.recordFailure(auth.user.email, request.client);
        await auditEvent(deps, request, 'auth.password.change.failure', auth.user.id);
        throw appError('AUTH_INVALID_CREDENTIALS');
      }
      await deps.accounts.setPassword(auth.user, body.newPassword, 'newPassword');
      await deps.sessions.revokeAllForUser(auth.user.id, auth.sessionId);
      await auditEvent(deps, request, 'auth.password.change', auth.user.id);
      return reply.code(204).send();
    },
  );
}
