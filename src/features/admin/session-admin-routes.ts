import { Type } from '@sinclair/typebox';
import type { SessionsTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { NoContent } from '../../http/no-content.js';
import { type AuthDeps, auditEvent, clearSessionCookie, problem, requireAdmin } from '../auth-core/index.js';
import { adminWrite, endEverything, IdParams } from './admin-access.js';

const AdminSessionSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('cookie'), Type.Literal('bearer')]),
  created: Type.String(),
  lastSeen: Type.String(),
  expires: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});
const iso = (ms: number) => new Date(ms).toISOString();

function toAdminSession(row: SessionsTable) {
  return {
    id: row.id,
    kind: row.kind,
    created: iso(row.created_ms),
    lastSeen: iso(row.last_seen_ms),
    expires: iso(row.expires_ms),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/**
 * Sessions, for administrators (ASVS V7.4.2, V7.4.5): one user's, listed or ended, or everyone's
 * ended at once. Ending a sign-in deletes its session row, which every instance reads on every
 * request, so it ends everywhere at once. Ends are audited.
 */
export function registerSessionAdminRoutes(app: HttpApp, deps: AuthDeps): void {
  app.get(
    '/api/admin/users/:id/sessions',
    {
      schema: {
        tags: ['admin'],
        summary: "A user's sessions and token families",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(AdminSessionSchema) }),
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const userId = request.params.id;
      if (!(await deps.accounts.users.findById(userId))) throw appError('ADMIN_USER_NOT_FOUND');
      return { items: (await deps.sessions.list(userId)).map(toAdminSession) };
    },
  );

  app.delete(
    '/api/admin/users/:id/sessions',
    {
      schema: {
        tags: ['admin'],
        summary: "End all of a user's sessions and token families and revoke its API keys",
        params: IdParams,
        response: { 204: NoContent, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = adminWrite(deps, request);
      const userId = request.params.id;
      const user = await deps.accounts.users.findById(userId);
      if (!user) throw appError('ADMIN_USER_NOT_FOUND');
      const ended = await endEverything(deps, userId);
      await auditEvent(deps, request, 'admin.user.sessions.revoke', auth.user.id, {
        userId,
        email: user.email,
        ...ended,
      });
      if (userId === auth.user.id && auth.via === 'cookie') clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/admin/sessions/summary',
    {
      schema: {
        tags: ['admin'],
        summary:
          "How many sessions and token families are live, and of how many users: what ending everyone's would end",
        response: {
          200: Type.Object({
            sessions: Type.Integer({ minimum: 0, description: 'Sessions and token families not past their lifetime.' }),
            users: Type.Integer({ minimum: 0, description: 'Users holding at least one of them.' }),
          }),
          401: problem,
          403: problem,
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      return deps.sessions.countEveryone();
    },
  );

  app.delete(
    '/api/admin/sessions',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Incident response: end every user's sessions and token families, the caller's own included (API keys stay; revoke them per user)",
        response: { 204: NoContent, 401: problem, 403: problem },
      },
    },
    async (request, reply) => {
      const auth = adminWrite(deps, request);
      const sessionsEnded = await deps.sessions.revokeEveryone();
      await auditEvent(deps, request, 'admin.sessions.revoke_all', auth.user.id, { sessionsEnded });
      if (auth.via === 'cookie') clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );
}
