import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../http/http-app.js';
import {
  type AuthDeps,
  auditEvent,
  Email,
  OpaqueToken,
  Password,
  PublicUserSchema,
  problem,
  strictBody,
  toPublicUser,
} from '../auth-core/index.js';

/** First administrator through the one-time link printed at start-up. */
export function registerAdminSetupRoutes(app: HttpApp, deps: AuthDeps): void {
  app.post(
    '/api/admin/setup',
    {
      config: { usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['admin'],
        summary: 'Create the first administrator with the one-time set-up token',
        body: Type.Object({ token: OpaqueToken, email: Email, password: Password }, strictBody),
        response: { 201: Type.Object({ user: PublicUserSchema }), 400: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const user = await deps.accounts.setupFirstAdmin(request.body);
      await auditEvent(deps, request, 'admin.setup', user.id, { email: user.email });
      return reply.code(201).send({ user: toPublicUser(user) });
    },
  );
}
