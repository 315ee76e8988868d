import type { Transport } from './transport.js';

/**
 * One record write for `client.batch`, made by a collection's `inBatch` (never by hand, so the
 * URL is always one the server takes). `R` is what the operation answers: the record for a
 * create or update, `null` for a delete.
 */
export interface BatchOperation<R> {
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  /** Carries the result type only; never set. */
  readonly __result?: R;
}

/** Each operation's result, in order, typed by the operation that made it. */
export type BatchResults<Ops extends readonly BatchOperation<unknown>[]> = {
  -readonly [K in keyof Ops]: Ops[K] extends BatchOperation<infer R> ? R : never;
};

interface BatchAnswer {
  responses: { status: number; body?: unknown }[];
}

/**
 * Sends the operations as one `POST /api/batch`: the server runs them in one transaction, each
 * under its own rule, all or nothing. A refusal anywhere throws a `BulwarkError` with code
 * `BATCH_OPERATION_FAILED` (or `BATCH_INVALID_OPERATION`), `failedIndex` naming the operation and
 * `failure` its own problem; nothing was written.
 */
export async function sendBatch<const Ops extends readonly BatchOperation<unknown>[]>(
  transport: Transport,
  operations: Ops,
): Promise<BatchResults<Ops>> {
  const requests = operations.map(({ method, url, body }) =>
    body === undefined ? { method, url } : { method, url, body },
  );
  const answer = await transport.request<BatchAnswer>({ method: 'POST', path: '/api/batch', body: { requests } });
  return answer.responses.map((response) => response.body ?? null) as BatchResults<Ops>;
}
