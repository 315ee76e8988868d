import { Type } from '@sinclair/typebox';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { NoContent } from '../../http/no-content.js';
import {
  type AuthDeps,
  auditEvent,
  problem,
  requireRecentAuth,
  requireSession,
  strictBody,
} from '../auth-core/index.js';
import { API_KEY_SCOPES } from './api-key-service.js';

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  created: Type.String(),
  expires: Type.String(),
  lastUsed: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
  rotatedFrom: Type.Union([Type.String(), Type.Null()], { description: 'The key this one replaced by rotation.' }),
  replacedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'The key that replaced this one; `expires` is then the end of the rotation overlap.',
  }),
  madeFromShell: Type.Boolean({
    description:
      'Made by `bulwark keys create --admin` on the server: it works while its owner has no second factor yet. Rotating it gives an ordinary key.',
  }),
});
const CreatedKey = Type.Object({ key: Type.String(), apiKey: ApiKeySchema });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** API keys: creation, rotation and revocation need a recent sign-in; keys cannot manage keys. */
export function registerApiKeyRoutes(app: HttpApp, deps: AuthDeps): void {
  const stepUp = (request: Parameters<typeof requireSession>[0]) => {
    const auth = requireSession(request);
    requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
    return auth;
  };

  app.post(
    '/api/keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is shown once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Type.String({ enum: [...API_KEY_SCOPES] }), {
              minItems: 1,
              maxItems: API_KEY_SCOPES.length,
              uniqueItems: true,
            }),
            expiresIn: Type.Integer({ minimum: 60, description: 'Seconds until the key expires (mandatory).' }),
          },
          strictBody,
        ),
        response: { 201: CreatedKey, 400: problem, 403: problem },
      },
    },
    async (request, reply) => {
      const auth = stepUp(request);
      const body = request.body;
      if (body.expiresIn > deps.apiKeys.maxLifetimeSeconds) {
        throw appError('HTTP_VALIDATION', {
          fields: [
            {
              field: 'expiresIn',
              code: 'maximum',
              message: `must be at most ${deps.apiKeys.maxLifetimeSeconds} seconds`,
            },
          ],
        });
      }
      if (body.scopes.includes('admin') && auth.user.role !== 'admin') {
        throw appError('AUTH_FORBIDDEN', { detail: 'Only administrators can create keys with the admin scope.' });
      }
      const created = await deps.apiKeys.create(auth.user.id, {
        name: body.name,
        scopes: body.scopes,
        expiresInSeconds: body.expiresIn,
      });
      await auditEvent(deps, request, 'auth.apikey.create', auth.user.id, {
        keyId: created.record.id,
        scopes: created.record.scopes,
      });
      return reply.code(201).send({ key: created.key, apiKey: created.record });
    },
  );

  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'My API keys (never the keys themselves)',
        response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }) },
      },
    },
    async (request) => ({ items: await deps.apiKeys.list(requireSession(request).user.id) }),
  );

  app.post(
    '/api/keys/:id/rotate',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Replace a key; the old one works for the overlap',
        params: IdParams,
        response: { 201: CreatedKey, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = stepUp(request);
      const { id } = request.params;
      const created = await deps.apiKeys.rotate(id, auth.user.id);
      if (!created) throw appError('AUTH_NOT_FOUND');
      await auditEvent(deps, request, 'auth.apikey.rotate', auth.user.id, { keyId: id, newKeyId: created.record.id });
      return reply.code(201).send({ key: created.key, apiKey: created.record });
    },
  );

  app.delete(
    '/api/keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke a key at once',
        params: IdParams,
        response: { 204: NoContent, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = stepUp(request);
      const { id } = request.params;
      if (!(await deps.apiKeys.revoke(id, auth.user.id))) throw appError('AUTH_NOT_FOUND');
      await auditEvent(deps, request, 'auth.apikey.revoke', auth.user.id, { keyId: id });
      return reply.code(204).send();
    },
  );
}
