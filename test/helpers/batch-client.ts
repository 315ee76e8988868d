import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

/** One operation of `POST /api/batch`, as a client sends it. */
export interface BatchRequest {
  method: string;
  url: string;
  body?: unknown;
}

export const recordsUrl = (collection: string, id?: string) =>
  `/api/collections/${collection}/records${id === undefined ? '' : `/${id}`}`;

export const createOp = (collection: string, body: unknown): BatchRequest => ({
  method: 'POST',
  url: recordsUrl(collection),
  body,
});
export const updateOp = (collection: string, id: string, body: unknown): BatchRequest => ({
  method: 'PATCH',
  url: recordsUrl(collection, id),
  body,
});
export const deleteOp = (collection: string, id: string): BatchRequest => ({
  method: 'DELETE',
  url: recordsUrl(collection, id),
});

/** `POST /api/batch` as whoever `headers` names (undefined: a guest). */
export function sendBatch(
  app: TestApp,
  headers: Record<string, string> | undefined,
  requests: BatchRequest[],
  extra: Pick<InjectOptions, 'remoteAddress'> = {},
): Promise<LightMyRequestResponse> {
  return app.http.inject({
    method: 'POST',
    url: '/api/batch',
    payload: { requests },
    ...(headers ? { headers } : {}),
    ...extra,
  });
}

/** A batch refused because operation `index` failed with `status`/`code`; returns the problem. */
export function expectFailedAt(
  response: LightMyRequestResponse,
  index: number,
  failure: { status: number; code: string },
): Record<string, unknown> {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toMatchObject({ code: 'BATCH_OPERATION_FAILED', failedIndex: index, failure });
  return problem;
}
