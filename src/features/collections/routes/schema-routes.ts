import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { requireAdmin, requireAdminWrite } from '../../auth-core/index.js';
import { RULE_ACTIONS } from '../collection-definition.js';
import { describeDataLoss, type SchemaApplier } from '../schema-apply.js';
import { SchemaDocumentSchema } from '../schema-document.js';

const problem = { $ref: 'Problem#' } as const;
const Names = Type.Array(Type.String());
const ApplyQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'apply, report, then roll back: nothing changes' })),
    confirmDataLoss: Type.Optional(
      Type.Boolean({ description: 'allow dropping collections and fields that hold data' }),
    ),
  },
  { additionalProperties: false },
);
const ApplyResult = Type.Object({
  status: Type.Union(['applied', 'unchanged', 'dry-run', 'refused'].map((s) => Type.Literal(s))),
  plan: Type.Object({
    added: Names,
    removed: Names,
    changed: Type.Array(
      Type.Object({
        name: Type.String(),
        fieldsAdded: Names,
        fieldsDropped: Names,
        fieldsChanged: Type.Array(Type.Object({ name: Type.String(), options: Names })),
        fieldsReordered: Type.Boolean(),
        rulesChanged: Type.Array(Type.Union(RULE_ACTIONS.map((a) => Type.Literal(a)))),
      }),
    ),
  }),
  dataLoss: Type.Array(
    Type.Object({ collection: Type.String(), field: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() }),
  ),
});

export interface SchemaRouteDeps {
  schema: SchemaApplier;
  stepUpWindowSeconds: number;
  now: () => number;
}

/** Schema as code over HTTP: the same export and apply as `bulwark schema export|apply`. */
export function registerSchemaRoutes(app: HttpApp, deps: SchemaRouteDeps): void {
  app.get(
    '/api/admin/schema',
    {
      schema: {
        tags: ['collections'],
        summary: 'Every collection definition as one schema file (stable order, with a format version)',
        response: { 200: SchemaDocumentSchema, 401: problem, 403: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      return deps.schema.export();
    },
  );

  app.put(
    '/api/admin/schema',
    {
      schema: {
        tags: ['collections'],
        summary:
          'Apply a schema file in one transaction: collections added, changed and removed to match it; dropping data needs confirmDataLoss',
        querystring: ApplyQuery,
        body: SchemaDocumentSchema,
        response: { 200: ApplyResult, 400: problem, 401: problem, 403: problem, 409: problem },
      },
    },
    async (request) => {
      const auth = requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
      const query = request.query;
      const dryRun = query.dryRun === true;
      const result = await deps.schema.apply(request.body, {
        dryRun,
        confirmDataLoss: query.confirmDataLoss === true,
        by: { actor: auth.user.id, ip: request.client.address, requestId: String(request.id) },
      });
      if (result.status === 'refused' && !dryRun) {
        throw appError('COLL_DATA_LOSS', { detail: `Applying would delete ${describeDataLoss(result.dataLoss)}.` });
      }
      return result;
    },
  );
}
