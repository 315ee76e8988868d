import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import { pageOf } from '../../../http/page-schema.js';
import { type AuthContext, requireUser } from '../../auth-core/index.js';
import { GUEST } from '../record-resolver.js';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, type RecordsContext, type RecordsService } from '../records-service.js';

const problem = { $ref: 'Problem#' } as const;
const CollectionParams = Type.Object({ c: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }) });
const RecordParams = Type.Object({
  c: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
});
/** A record as every records route answers it (hidden fields left out). */
export const AnyRecord = Type.Object(
  { id: Type.String(), created: Type.String(), updated: Type.String() },
  { additionalProperties: true },
);
const ListQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 2048 })),
    sort: Type.Optional(Type.String({ maxLength: 200 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    perPage: Type.Optional(
      Type.Integer({ minimum: 1, default: DEFAULT_PER_PAGE, description: `capped at ${MAX_PER_PAGE}` }),
    ),
    skipTotal: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1,
        default: 0,
        description: '1 answers without counting: `totalItems` and `totalPages` are then -1',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The caller as rules see it; API keys need the records scope of the action. */
export function contextOf(
  request: FastifyRequest,
  scope: 'records:read' | 'records:write' | 'files:read' | 'files:write',
): RecordsContext {
  const auth: AuthContext | null = request.auth ? requireUser(request, scope) : null;
  const isAdmin = auth?.user.role === 'admin' && (auth.via !== 'apiKey' || Boolean(auth.scopes?.includes('admin')));
  return {
    caller: auth
      ? { id: auth.user.id, role: auth.user.role, email: auth.user.email, verified: auth.user.verified === 1 }
      : GUEST,
    isAdmin,
    ip: request.client.address,
    clientKey: request.client.key,
    requestId: String(request.id),
    schemaVersion: auth?.schemaVersion,
  };
}

/** The records REST API of every collection. */
export function registerRecordRoutes(app: HttpApp, records: RecordsService): void {
  app.get(
    '/api/collections/:c/records',
    {
      schema: {
        tags: ['records'],
        summary: 'List the records the list rule lets you see',
        params: CollectionParams,
        querystring: ListQuery,
        response: {
          200: pageOf(AnyRecord),
          400: problem,
          403: problem,
        },
      },
    },
    async (request) => {
      const query = request.query;
      return records.list(
        request.params.c,
        {
          filter: query.filter,
          sort: query.sort,
          page: query.page ?? 1,
          perPage: query.perPage ?? DEFAULT_PER_PAGE,
          isTotalSkipped: query.skipTotal === 1,
        },
        contextOf(request, 'records:read'),
      );
    },
  );

  app.get(
    '/api/collections/:c/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'One record, if the view rule allows',
        params: RecordParams,
        response: { 200: AnyRecord, 404: problem },
      },
    },
    async (request) => {
      const { c, id } = request.params;
      return records.view(c, id, contextOf(request, 'records:read'));
    },
  );

  app.post(
    '/api/collections/:c/records',
    {
      schema: {
        tags: ['records'],
        summary: 'Create a record, if the create rule allows',
        params: CollectionParams,
        response: { 201: AnyRecord, 400: problem, 403: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const { c } = request.params;
      return reply.code(201).send(await records.create(c, request.body, contextOf(request, 'records:write')));
    },
  );

  app.patch(
    '/api/collections/:c/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'Change a record, if the update rule allows',
        params: RecordParams,
        response: { 200: AnyRecord, 400: problem, 404: problem, 409: problem },
      },
    },
    async (request) => {
      const { c, id } = request.params;
      return records.update(c, id, request.body, contextOf(request, 'records:write'));
    },
  );

  app.delete(
    '/api/collections/:c/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'Delete a record, if the delete rule allows',
        params: RecordParams,
        response: { 204: NoContent, 404: problem },
      },
    },
    async (request, reply) => {
      const { c, id } = request.params;
      await records.remove(c, id, contextOf(request, 'records:write'));
      return reply.code(204).send();
    },
  );
}
