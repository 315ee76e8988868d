import { Type } from '@sinclair/typebox';
import type { UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { NoContent } from '../../http/no-content.js';
import { pageOf } from '../../http/page-schema.js';
import {
  type AuthContext,
  type AuthDeps,
  auditEvent,
  problem,
  requireAdmin,
  strictBody,
  toPublicUser,
} from '../auth-core/index.js';
import type { AdminUserChange } from '../identity/index.js';
import { adminWrite, endEverything, IdParams } from './admin-access.js';

const MAX_USERS_PER_PAGE = 200;
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

/** What a client may see of any user, plus what an administrator needs to manage them. */
function toAdminUser(row: UsersTable) {
  return { ...toPublicUser(row), disabled: row.disabled === 1, mfaEnrolled: row.mfa_enrolled_ms !== null };
}

/**
 * Users, for administrators (ASVS V7.4.2, V7.4.5): list, change role or disabled, delete (their
 * sessions: session-admin-routes.ts). Every route needs an administrator (who has a second
 * factor); changes also need a recent sign-in and are audited.
 */
export function registerUserAdminRoutes(app: HttpApp, deps: AuthDeps): void {
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
      const auth = adminWrite(deps, request);
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
          ? await endEverything(deps, userId)
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
      const auth = adminWrite(deps, request);
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
}
