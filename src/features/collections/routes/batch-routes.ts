import { type Static, Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { ProblemSchema } from '../../../http/openapi.js';
import type { BatchOperation } from '../records-batch.js';
import type { RecordsService } from '../records-service.js';
import { AnyRecord, contextOf } from './record-routes.js';

/** Longest `url` of one operation: the collection and record routes are far shorter. */
const MAX_OPERATION_URL_CHARS = 200;

const BatchBody = Type.Object(
  {
    requests: Type.Array(
      Type.Object(
        {
          method: Type.String({ maxLength: 10, description: '`POST`, `PATCH` or `DELETE`' }),
          url: Type.String({
            maxLength: MAX_OPERATION_URL_CHARS,
            description: '`/api/collections/:c/records` (POST) or `/api/collections/:c/records/:id` (PATCH, DELETE)',
          }),
          body: Type.Optional(Type.Unknown({ description: 'the record fields, as the single route takes them' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

const BatchResponse = Type.Object({
  responses: Type.Array(
    Type.Object({
      status: Type.Integer({ description: '201 created, 200 updated, 204 deleted' }),
      body: Type.Optional(AnyRecord),
    }),
    { description: 'one per operation, in order: what its single route would have answered' },
  ),
});

const { requestId: _requestId, ...operationProblem } = ProblemSchema.properties;
/** A 400 of this route: a whole-batch problem, or one naming the operation that failed. */
const BatchProblem = Type.Object({
  ...ProblemSchema.properties,
  failedIndex: Type.Optional(Type.Integer({ minimum: 0, description: 'the operation that failed, from 0' })),
  failure: Type.Optional(
    Type.Object(operationProblem, { description: 'the problem its single route would have answered' }),
  ),
});

/** `/api/collections/:c/records[/:id]`, with the single routes' name and id patterns and no query. */
const RECORDS_URL = /^\/api\/collections\/([a-z][a-z0-9_]{0,39})\/records(?:\/([A-Za-z0-9_-]{1,64}))?$/;

type OperationInput = Static<typeof BatchBody>['requests'][number];

/** An operation as the records service runs it, or a 400 naming its index and what to fix. */
function parseOperation(input: OperationInput, index: number): BatchOperation {
  const refuse = (detail: string) =>
    appError('BATCH_INVALID_OPERATION', { detail: `Operation ${index}: ${detail}`, members: { failedIndex: index } });
  // Reads are not batched: they need no transaction, and a batch must not multiply filtered queries.
  if (input.method === 'GET') throw refuse('reads (GET) are not batched; send them as requests of their own.');
  if (input.method !== 'POST' && input.method !== 'PATCH' && input.method !== 'DELETE')
    throw refuse('method must be POST, PATCH or DELETE.');
  const match = RECORDS_URL.exec(input.url);
  const collection = match?.[1];
  const id = match?.[2];
  if (!collection)
    throw refuse('url must be /api/collections/:c/records or /api/collections/:c/records/:id, with no query.');
  if (input.method === 'POST') {
    if (id !== undefined) throw refuse('POST creates a record: its url is /api/collections/:c/records.');
    return { action: 'create', collection, body: input.body };
  }
  if (id === undefined) throw refuse(`${input.method} needs the record: /api/collections/:c/records/:id.`);
  if (input.method === 'PATCH') return { action: 'update', collection, id, body: input.body };
  if (input.body !== undefined) throw refuse('a DELETE takes no body.');
  return { action: 'delete', collection, id };
}

/**
 * `POST /api/batch`: record writes in one transaction, all or nothing. The request passed the
 * same gates as a single write (authentication, CSRF for cookies, address and account budgets,
 * the body limit); each operation is then counted against both budgets as a request of its own,
 * so a batch is no way around them, and runs under its own rule exactly as its route would.
 */
export function registerBatchRoutes(app: HttpApp, records: RecordsService, options: { maxOperations: number }): void {
  app.post(
    '/api/batch',
    {
      schema: {
        tags: ['records'],
        summary: 'Record writes in one transaction, each under its own rule: all or nothing',
        description:
          'At most `records.batchMaxOperations` (100) operations. An operation that fails answers 400 `BATCH_OPERATION_FAILED` with `failedIndex` and its own problem in `failure`; nothing is written.',
        body: BatchBody,
        response: { 200: BatchResponse, 400: BatchProblem, 403: { $ref: 'Problem#' } },
      },
    },
    async (request) => {
      // The caller first, as on the single routes: an API key needs records:write.
      const ctx = contextOf(request, 'records:write');
      const { requests } = request.body;
      if (requests.length > options.maxOperations) {
        throw appError('BATCH_TOO_LARGE', {
          detail: `This batch holds ${requests.length} operations; at most ${options.maxOperations} are accepted. Split it.`,
        });
      }
      const operations = requests.map(parseOperation);
      // The request itself was counted on arrival; each further operation counts as one more.
      await request.spendAddressBudget(operations.length - 1);
      await request.spendAccountBudget(operations.length - 1);
      return { responses: await records.batch(operations, ctx) };
    },
  );
}
