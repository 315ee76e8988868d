import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import type { AuditEventType, AuditSink } from '../../audit/index.js';
import { requireAdmin, requireAdminWrite } from '../../auth-core/index.js';
import { CollectionInputSchema, FieldSchema, RulesSchema } from '../collection-definition.js';
import type { CollectionsService } from '../collections-service.js';

const problem = { $ref: 'Problem#' } as const;
const NameParams = Type.Object({ name: Type.String({ maxLength: 40 }) });
const CollectionOut = Type.Object({
  name: Type.String(),
  fields: Type.Array(FieldSchema),
  rules: Type.Object({
    list: Type.Union([Type.String(), Type.Null()]),
    view: Type.Union([Type.String(), Type.Null()]),
    create: Type.Union([Type.String(), Type.Null()]),
    update: Type.Union([Type.String(), Type.Null()]),
    delete: Type.Union([Type.String(), Type.Null()]),
  }),
});

export interface CollectionAdminDeps {
  collections: CollectionsService;
  audit: AuditSink;
  stepUpWindowSeconds: number;
  now: () => number;
}

/** Collection administration: administrators only; changes need a recent sign-in and are audited. */
export function registerCollectionAdminRoutes(app: HttpApp, deps: CollectionAdminDeps): void {
  const adminWrite = (request: FastifyRequest) => requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
  const audit = (request: FastifyRequest, actor: string, type: AuditEventType, details: Record<string, unknown>) =>
    deps.audit.record({ type, actor, ip: request.client.address, requestId: String(request.id), details });

  app.get(
    '/api/admin/collections',
    {
      schema: {
        tags: ['collections'],
        summary: 'All collections',
        response: { 200: Type.Object({ items: Type.Array(CollectionOut) }), 401: problem, 403: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      return { items: await deps.collections.list() };
    },
  );

  app.get(
    '/api/admin/collections/:name',
    {
      schema: {
        tags: ['collections'],
        summary: 'One collection',
        params: NameParams,
        response: { 200: CollectionOut, 404: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      return deps.collections.get(request.params.name);
    },
  );

  app.post(
    '/api/admin/collections',
    {
      schema: {
        tags: ['collections'],
        summary: 'Create a collection and its table',
        body: CollectionInputSchema,
        response: { 201: CollectionOut, 400: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = adminWrite(request);
      const created = await deps.collections.create(request.body);
      await audit(request, auth.user.id, 'collections.create', {
        collection: created.name,
        fields: created.fields.map((f) => f.name),
        rules: created.rules,
      });
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/admin/collections/:name',
    {
      schema: {
        tags: ['collections'],
        summary: 'Change fields or rules; dropping a field with data needs confirmDataLoss',
        params: NameParams,
        body: Type.Object(
          {
            fields: Type.Optional(Type.Array(FieldSchema, { maxItems: 64 })),
            rules: Type.Optional(RulesSchema),
            confirmDataLoss: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: CollectionOut, 400: problem, 404: problem, 409: problem },
      },
    },
    async (request) => {
      const auth = adminWrite(request);
      const { name } = request.params;
      const result = await deps.collections.update(name, request.body);
      await audit(request, auth.user.id, 'collections.update', {
        collection: name,
        changes: result.changes,
        rules: result.definition.rules,
      });
      return result.definition;
    },
  );

  app.delete(
    '/api/admin/collections/:name',
    {
      schema: {
        tags: ['collections'],
        summary: 'Delete a collection and its records (confirmDataLoss=true when it has records)',
        params: NameParams,
        querystring: Type.Object({ confirmDataLoss: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 204: NoContent, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = adminWrite(request);
      const { name } = request.params;
      await deps.collections.remove(name, request.query.confirmDataLoss === true);
      await audit(request, auth.user.id, 'collections.delete', { collection: name });
      return reply.code(204).send();
    },
  );
}
