import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { SessionsTable, UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { NoContent } from '../../http/no-content.js';
import { pageOf } from '../../http/page-schema.js';
import {
  type AuthContext,
  type AuthDeps,
  auditEvent,
  clearSessionCookie,
  problem,
  requireAdmin,
  requireRecentAuth,
  strictBody,
  toPublicUser,
} from '../auth-core/index.js';
import type { AdminUserChange } from '../identity/index.js';

export const MAX_USERS_PER_PAGE = 200;
const DEFAULT_USERS_PER_PAGE = 30;

/** What an administrator sees of a user: never the password hash or any secret. */
const AdminUserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  verified: Type.Boolean(),
  disabled: Type.Boolean(),
  mfaEnrolled: Type.Boolean(),
  created: Type.String(),
});
const AdminSessionSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('cookie'), Type.Literal('bearer')]),
  created: Type.String(),
  lastSeen: Type.String(),
  expires: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_USERS_PER_PAGE, default: DEFAULT_USERS_PER_PAGE })),
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 254, description: 'Case-insensitive prefix of the email address.' }),
    ),
  },
  { additionalProperties: false },
);

const iso = (ms: number) => new Date(ms).toISOString();

/** What a client may see of any user, plus what an administrator needs to manage them. */
function toAdminUser(row: UsersTable) {
  return { ...toPublicUser(row), disabled: row.disabled === 1, mfaEnrolled: row.mfa_enrolled_ms !== null };
}

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
 * Users, for administrators (ASVS V7.4.2, V7.4.5): list, change role or disabled, delete, and
 * end sessions — one user's or everyone's. Every route needs an administrator (who has a second
 * factor); changes also need a recent sign-in and are audited. Ending a sign-in deletes its
 * session row, which every instance reads on every request, so it ends everywhere at once.
 */
export function registerUserAdminRoutes(app: HttpApp, deps: AuthDeps): void {
  const adminWrite = (request: FastifyRequest): AuthContext => {
    const auth = requireAdmin(request);
    // Admin-scoped API keys were created under step-up and cannot step up again themselves.
    if (auth.via !== 'apiKey') requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
    return auth;
  };

  /** Ends every session and token family of the user and revokes its API keys. */
  const endEverything = async (userId: string) => {
    const sessionsEnded = Number((await deps.sessions.revokeAllForUser(userId)).numDeletedRows);
    const keysRevoked = await deps.apiKeys.revokeAllForUser(userId);
    return { sessionsEnded, keysRevoked };
  };

  /** Applies a change with the self and last-administrator guards; returns the user before and after. */
  const change = async (auth: AuthContext, userId: string, wanted: AdminUserChange) => {
    const removesAdmin = wanted === 'delete' || wanted.role === 'user' || wanted.disabled === true;
    if (userId === auth.user.id && removesAdmin) {
      throw appError('ADMIN_SELF_CHANGE', {
        detail: 'You cannot disable, demote or delete your own account; ask another administrator.',
      });
    }
    const result = await deps.accounts.users.applyAdminChange(userId, wanted, deps.now());
    if (!result.ok) {
      throw result.reason === 'not-found' ? appError('ADMIN_USER_NOT_FOUND') : appError('ADMIN_LAST_ADMIN');
    }
    return result;
  };

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Users, oldest first; `email` filters by a case-insensitive prefix',
        querystring: ListQuery,
        response: {
          200: pageOf(AdminUserSchema),
          400: problem,
          401: problem,
          403: problem,
        },
      },
    },
    async (request) => {
      requireAdmin(request);
      const query = request.query;
      const page = query.page ?? 1;
      const perPage = query.perPage ?? DEFAULT_USERS_PER_PAGE;
      const { rows, total } = await deps.accounts.users.listPage({
        offset: (page - 1) * perPage,
        limit: perPage,
        emailPrefix: query.email,
      });
      return { page, perPage, totalItems: total, totalPages: Math.ceil(total / perPage), items: rows.map(toAdminUser) };
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Change a user's role or disable it; either ends the user's sessions and token families and revokes its API keys at once",
        params: IdParams,
        body: Type.Object(
          {
            role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
            disabled: Type.Optional(Type.Boolean()),
          },
          { ...strictBody, minProperties: 1 },
        ),
        response: { 200: AdminUserSchema, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request) => {
      const auth = adminWrite(request);
      const userId = request.params.id;
      const body = request.body;
      const { before, after } = await change(auth, userId, body);
      const user = after as UsersTable;
      const roleChanged = before.role !== user.role;
      const disabledChanged = before.disabled !== user.disabled;
      // A disabled user keeps no sign-in and no key. A role change is a privilege change: new
      // sessions, and keys made under the old role end too (a key made by a user must not start
      // acting with an administrator's reach, nor an old admin key come back with a promotion).
      const ended =
        (user.disabled === 1 && disabledChanged) || roleChanged
          ? await endEverything(userId)
          : { sessionsEnded: 0, keysRevoked: 0 };
      if (roleChanged || disabledChanged) {
        await auditEvent(deps, request, 'admin.user.update', auth.user.id, {
          userId,
          email: user.email,
          ...(roleChanged ? { role: { from: before.role, to: user.role } } : {}),
          ...(disabledChanged ? { disabled: { from: before.disabled === 1, to: user.disabled === 1 } } : {}),
          ...ended,
        });
      }
      return toAdminUser(user);
    },
  );

  app.delete(
    '/api/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Delete a user with its sessions, token families, API keys and second factors',
        params: IdParams,
        response: { 204: NoContent, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = adminWrite(request);
      const userId = request.params.id;
      const { before } = await change(auth, userId, 'delete');
      await auditEvent(deps, request, 'admin.user.delete', auth.user.id, {
        userId,
        email: before.email,
        role: before.role,
      });
      return reply.code(204).send();
    },
  );

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
      const auth = adminWrite(request);
      const userId = request.params.id;
      const user = await deps.accounts.users.findById(userId);
      if (!user) throw appError('ADMIN_USER_NOT_FOUND');
      const ended = await endEverything(userId);
      await auditEvent(deps, request, 'admin.user.sessions.revoke', auth.user.id, {
        userId,
        email: user.email,
        ...ended,
      });
      if (userId === auth.user.id && auth.via === 'cookie') clearSessionCookie(reply);
      return reply.code(204).send();
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
      const auth = adminWrite(request);
      const sessionsEnded = await deps.sessions.revokeEveryone();
      await auditEvent(deps, request, 'admin.sessions.revoke_all', auth.user.id, { sessionsEnded });
      if (auth.via === 'cookie') clearSessionCookie(reply);
      return reply.code(204).send();
    },
  );
}
