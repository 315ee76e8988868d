import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  auditEvent,
  checkSecondFactorCode,
  PasskeyResponse,
  Password,
  PublicUserSchema,
  problem,
  requireRecentAuth,
  requireSession,
  requireUser,
  SecondFactorCode,
  StageFlags,
  setSessionCookie,
  strictBody,
  toPublicUser,
} from '../../auth-core/index.js';
import { verifyPasskey } from '../../factors/index.js';
import { csrfTokenFor } from '../csrf.js';

const SessionSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('cookie'), Type.Literal('bearer')]),
  current: Type.Boolean(),
  created: Type.String(),
  lastSeen: Type.String(),
  expires: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

/** Who am I, my sessions, the CSRF token, and step-up. */
export function registerSessionRoutes(app: HttpApp, deps: AuthDeps): void {
  app.get(
    '/api/auth/me',
    {
      config: { allowStages: ['mfa', 'enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: {
          200: Type.Object({
            user: PublicUserSchema,
            ...StageFlags,
            idleTimeoutSeconds: Type.Optional(
              Type.Integer({ description: 'Browser sessions: ended after this long without a request.' }),
            ),
          }),
          401: problem,
        },
      },
    },
    async (request) => {
      const auth = requireUser(request, 'profile:read');
      return {
        user: toPublicUser(auth.user),
        mfaRequired: auth.stage !== 'full',
        ...(auth.stage === 'enrol' ? { mfaEnrolmentRequired: true } : {}),
        // A browser shows the operator when an unused session ends (the dashboard does).
        ...(auth.via === 'cookie' ? { idleTimeoutSeconds: deps.config.auth.sessionIdleTimeoutSeconds } : {}),
      };
    },
  );

  app.get(
    '/api/auth/csrf',
    {
      config: { allowStages: ['mfa', 'enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'CSRF token for this browser session (a new one after every change of session id)',
        response: { 200: Type.Object({ token: Type.String() }), 401: problem, 403: problem },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      if (!auth.cookieTokenHash) {
        throw appError('AUTH_FORBIDDEN', {
          detail: 'Only browser sessions use CSRF tokens; bearer requests need none.',
        });
      }
      return { token: csrfTokenFor(deps.csrfKey, auth.cookieTokenHash) };
    },
  );

  app.get(
    '/api/auth/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'My sessions and token families',
        response: { 200: Type.Object({ items: Type.Array(SessionSchema) }) },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      const rows = await deps.sessions.list(auth.user.id);
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        items: rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          current: row.id === auth.sessionId,
          created: iso(row.created_ms),
          lastSeen: iso(row.last_seen_ms),
          expires: iso(row.expires_ms),
          ip: row.ip,
          userAgent: row.user_agent,
        })),
      };
    },
  );

  app.delete(
    '/api/auth/sessions/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of my sessions',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: NoContent, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      const { id } = request.params;
      // Ending another device's sign-in is account management: it needs a recent sign-in
      // (ASVS V7.5.2); ending one's own current session is just logging out.
      if (id !== auth.sessionId) requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
      const session = await deps.sessions.find(id);
      // Another user's session is "not found": ids are not confirmed to strangers.
      if (!session || session.user_id !== auth.user.id) throw appError('AUTH_NOT_FOUND');
      await deps.sessions.revoke(id);
      await auditEvent(deps, request, 'auth.session.revoke', auth.user.id, { sessionId: id });
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/auth/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'End all my other sessions and token families (needs a recent sign-in)',
        response: { 200: Type.Object({ revoked: Type.Integer() }), 401: problem, 403: problem },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
      const result = await deps.sessions.revokeAllForUser(auth.user.id, auth.sessionId);
      const revoked = Number(result.numDeletedRows);
      await auditEvent(deps, request, 'auth.session.revoke_others', auth.user.id, { revoked });
      return { revoked };
    },
  );

  app.post(
    '/api/auth/reauth',
    {
      config: { rateLimit: 'auth', allowStages: ['enrol'] },
      schema: {
        tags: ['auth'],
        summary:
          'Step-up: confirm the password, a second-factor code or a passkey (or password and code together) to open a window for sensitive actions',
        body: Type.Object(
          {
            password: Type.Optional(Password),
            code: Type.Optional(SecondFactorCode),
            webauthn: Type.Optional(PasskeyResponse),
          },
          { ...strictBody, minProperties: 1 },
        ),
        response: { 200: Type.Object({ reauthenticatedUntil: Type.String() }), 401: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      const body = request.body;
      const proved = { password: false, factor: false };
      if (body.password !== undefined) {
        await deps.throttle.assertNotThrottled(auth.user.email, request.client);
        const result = await deps.accounts.verifyCredentials(auth.user.email, body.password);
        if (!result.ok) {
          await deps.throttle.recordFailure(auth.user.email, request.client);
          await auditEvent(deps, request, 'auth.reauth.failure', auth.user.id, { method: 'password' });
          throw appError('AUTH_INVALID_CREDENTIALS');
        }
        proved.password = true;
      }
      if (body.code !== undefined) {
        await checkSecondFactorCode(deps, request, auth.user, body.code, 'step-up');
        proved.factor = true;
      }
      if (body.webauthn !== undefined) {
        const passkey = await verifyPasskey(deps, request, 'reauth', auth.sessionId, body.webauthn);
        if (passkey.userId !== auth.user.id) throw appError('AUTH_PASSKEY_FAILED');
        // A passkey is a factor; when the device also verified the person (PIN, biometric) it
        // stands for the password too. A bare security key without verification does not.
        proved.factor = true;
        if (passkey.userVerified) proved.password = true;
      }
      const kind = auth.via === 'cookie' ? 'cookie' : 'bearer';
      const newToken = await deps.sessions.markReauthenticated(auth.sessionId, kind, proved);
      if (newToken) setSessionCookie(reply, newToken, deps.config.auth.sessionAbsoluteLifetimeSeconds);
      await auditEvent(deps, request, 'auth.reauth.success', auth.user.id, { sessionId: auth.sessionId, ...proved });
      return { reauthenticatedUntil: new Date(deps.now() + deps.config.auth.stepUpWindowSeconds * 1000).toISOString() };
    },
  );
}
