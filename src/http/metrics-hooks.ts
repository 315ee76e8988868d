import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ErrorCode, isAppError } from '../errors/index.js';

/** One answered request, labelled only from closed sets: never the raw URL. */
export interface RequestSample {
  method: string;
  /** The Fastify route template (`/api/collections/:c/records/:id`), or `unmatched`. */
  route: string;
  statusClass: string;
  seconds: number;
}

/** A refusal the pipeline or a feature's hook raised, as the metrics name it. */
export type HttpRefusal =
  | { kind: 'csrf' }
  | { kind: 'rate_limit'; scope: 'address' | 'account' | 'auth' }
  | { kind: 'account_throttled' }
  | { kind: 'load_shed' }
  | { kind: 'upload_refused'; reason: 'type' | 'size' | 'malformed' };

/** Upload refusals by code: counted here, since the audit log thins them per caller. */
const UPLOAD_REFUSALS: Readonly<Partial<Record<ErrorCode, 'type' | 'size' | 'malformed'>>> = {
  FILE_TYPE_REFUSED: 'type',
  FILE_TOO_LARGE: 'size',
  FILE_MALFORMED_UPLOAD: 'malformed',
  FILE_NOT_MULTIPART: 'malformed',
};

/** Where the HTTP layer reports what it saw; features/ops implements it with prom-client. */
export interface HttpMetricsSink {
  observeRequest: (sample: RequestSample) => void;
  observeRefusal: (refusal: HttpRefusal) => void;
}

/** The label of each status class, made once rather than per answer. */
const STATUS_CLASSES: readonly string[] = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** Methods Node's parser accepts are a closed set, but keep the label to the ones routes use. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every answer (404s, 405s and refusals from hooks too) by route template and the
 * refusals that have their own series. Refusals are read from the error codes, so the places
 * that refuse stay unaware of metrics.
 */
export function registerHttpMetrics(app: FastifyInstance, sink: HttpMetricsSink): void {
  app.addHook('onResponse', (request, reply, done) => {
    sink.observeRequest({
      method: KNOWN_METHODS.has(request.method) ? request.method : 'OTHER',
      route: request.routeOptions.url ?? 'unmatched',
      statusClass: STATUS_CLASSES[Math.floor(reply.statusCode / 100)] ?? `${Math.floor(reply.statusCode / 100)}xx`,
      seconds: reply.elapsedTime / 1000,
    });
    done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    const refusal = refusalFor(error, request);
    if (refusal) sink.observeRefusal(refusal);
    done();
  });
}

/** The refusal an error stands for, if it has a series of its own. */
export function refusalFor(error: unknown, request: FastifyRequest): HttpRefusal | null {
  if (!isAppError(error)) return null;
  switch (error.code) {
    case 'AUTH_CSRF':
      return { kind: 'csrf' };
    case 'ABUSE_ACCOUNT_THROTTLED':
      return { kind: 'account_throttled' };
    case 'ABUSE_RATE_LIMITED':
      // The address guard runs before authentication: a caller already known was refused by
      // its own (per-account) budget; otherwise the route class's per-address budget.
      // (`auth` is set by the auth feature's hook; http/ reads it without importing the feature.)
      if ((request as FastifyRequest & { auth?: unknown }).auth) return { kind: 'rate_limit', scope: 'account' };
      return { kind: 'rate_limit', scope: request.routeOptions.config?.rateLimit === 'auth' ? 'auth' : 'address' };
    default: {
      const reason = UPLOAD_REFUSALS[error.code];
      return reason ? { kind: 'upload_refused', reason } : null;
    }
  }
}
