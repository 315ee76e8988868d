import { type Static, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  auditEvent,
  beginSignIn,
  checkSecondFactorCode,
  clearSessionCookie,
  Email,
  OpaqueToken,
  Password,
  PublicUserSchema,
  problem,
  SESSION_COOKIE,
  SecondFactorCode,
  type SignInMode,
  SignInTokensSchema,
  StageFlags,
  signInStateFor,
  strictBody,
  TokensSchema,
} from '../../auth-core/index.js';
import { normaliseEmail } from '../../identity/index.js';

const Credentials = Type.Object(
  {
    email: Email,
    password: Password,
    code: Type.Optional(SecondFactorCode),
  },
  strictBody,
);
type CredentialsBody = Static<typeof Credentials>;

/** Sign-in, token issue and refresh, sign-out. */
export function registerSignInRoutes(app: HttpApp, deps: AuthDeps): void {
  /** One failure for every reason, so the answer never tells which part was wrong. */
  const checkCredentials = async (request: FastifyRequest, body: CredentialsBody) => {
    const email = normaliseEmail(body.email);
    await deps.throttle.assertNotThrottled(email, request.client);
    const verdict = await deps.accounts.verifyCredentials(email, body.password);
    // With a second factor the password alone is not a success: the failure series ends only
    // when the whole sign-in succeeds, so wrong codes keep counting across password sign-ins.
    if (verdict.ok && verdict.user.mfa_enrolled_ms === null) await deps.throttle.recordSuccess(email);
    else if (!verdict.ok) await deps.throttle.recordFailure(email, request.client);
    if (!verdict.ok) {
      await auditEvent(deps, request, 'auth.login.failure', undefined, {
        reason: verdict.reason,
        email: body.email.toLowerCase(),
      });
      throw appError('AUTH_INVALID_CREDENTIALS');
    }
    if (deps.mailer && verdict.user.verified === 0) {
      await auditEvent(deps, request, 'auth.login.failure', verdict.user.id, { reason: 'unverified' });
      throw appError('AUTH_EMAIL_NOT_VERIFIED');
    }
    return verdict.user;
  };

  /**
   * The password step, and with `code` the second step in the same request. Without a code, a
   * user with a second factor gets a sign-in that can only complete it (`mfaRequired`).
   */
  const signIn = async (request: FastifyRequest, body: CredentialsBody, reply: FastifyReply, mode: SignInMode) => {
    const user = await checkCredentials(request, body);
    let factorProven = false;
    if (body.code !== undefined && user.mfa_enrolled_ms !== null) {
      await checkSecondFactorCode(deps, request, user, body.code, 'sign-in');
      factorProven = true;
    }
    return beginSignIn(deps, request, reply, user, mode, 'password', signInStateFor(deps, user, factorProven));
  };

  app.post(
    '/api/auth/login',
    {
      config: { setsSessionCookie: true, usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a browser session cookie',
        body: Credentials,
        response: { 200: Type.Object({ user: PublicUserSchema, ...StageFlags }), 401: problem },
      },
    },
    async (request, reply) => signIn(request, request.body, reply, 'cookie'),
  );

  app.post(
    '/api/auth/token',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in for a non-browser client: access and refresh tokens',
        body: Credentials,
        response: { 200: SignInTokensSchema, 401: problem },
      },
    },
    async (request, reply) => signIn(request, request.body, reply, 'bearer'),
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Rotate access and refresh tokens; a reused refresh token revokes the family',
        body: Type.Object({ refreshToken: OpaqueToken }, strictBody),
        response: { 200: TokensSchema, 401: problem },
      },
    },
    async (request) => {
      const outcome = await deps.sessions.refresh(request.body.refreshToken);
      if (!outcome.ok) {
        if (outcome.reusedSessionId) {
          await auditEvent(deps, request, 'auth.refresh.reuse', undefined, { sessionId: outcome.reusedSessionId });
        }
        throw appError('AUTH_INVALID_TOKEN');
      }
      return outcome.tokens;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { allowStages: ['mfa', 'enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'End this sign-in: session or token family',
        response: { 204: NoContent, 401: problem },
      },
    },
    async (request, reply) => {
      const auth = request.auth;
      if (auth?.sessionId) {
        await deps.sessions.revoke(auth.sessionId);
        await auditEvent(deps, request, 'auth.logout', auth.user.id, { sessionId: auth.sessionId });
      }
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        // Signing out through a bearer token also ends the browser session sent alongside it.
        const browser = auth?.via === 'cookie' ? null : await deps.sessions.resolveCookie(cookie);
        if (browser) await deps.sessions.revoke(browser.session.id);
        clearSessionCookie(reply);
      }
      reply.header('clear-site-data', '"cookies", "storage"');
      return reply.code(204).send();
    },
  );
}
