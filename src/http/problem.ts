import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseContended, isDatabaseUnreachable } from '../db/index.js';
import {
  type AppError,
  appError,
  ERROR_CODES,
  type FieldError,
  type HttpErrorCode,
  isAppError,
  isHttpErrorCode,
  problemTypeFor,
} from '../errors/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 body. `code` is our stable code; `requestId` lets an operator find the log line. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  requestId: string;
  detail?: string;
  errors?: FieldError[];
  /** How many more field errors there were beyond the `errors[]` shown. */
  errorsOmitted?: number;
  /** Extension members the error carries (RFC 9457 §3.2), e.g. a batch's `failedIndex`. */
  [member: string]: unknown;
}

/**
 * At most this many field errors are sent. A body with 80,000 unknown keys once answered with a
 * 6 MB list: a guest amplified a 1 MiB request into megabytes out (error amplification).
 */
export const MAX_PROBLEM_ERRORS = 20;
/** Longest `field` shown: a field name comes from the client's own keys and is echoed back. */
export const MAX_FIELD_NAME_CHARS = 128;
/** Longest `message` or `detail` shown; ours are far shorter, this bounds any that quote input. */
export const MAX_MESSAGE_CHARS = 300;

export function buildProblem(error: AppError, requestId: string): ProblemBody {
  // Operator codes and unexposed server errors are shown as the generic 500: the
  // client learns nothing about which internal part failed.
  const shownCode = isHttpErrorCode(error.code) && (error.expose || error.status < 500) ? error.code : undefined;
  const isShown = shownCode !== undefined;
  const code = shownCode ?? 'HTTP_INTERNAL';
  const info = ERROR_CODES[code];
  // Extension members first, so none can stand in for a standard member.
  const members = isShown && error.expose ? error.members : undefined;
  const body: ProblemBody = {
    ...members,
    type: problemTypeFor(code),
    title: info.title,
    status: isShown ? error.status : info.status,
    code,
    requestId,
  };
  if (isShown && error.expose && error.detail) body.detail = clamp(error.detail, MAX_MESSAGE_CHARS);
  if (isShown && error.expose && error.fields && error.fields.length > 0) {
    body.errors = error.fields.slice(0, MAX_PROBLEM_ERRORS).map(boundFieldError);
    if (error.fields.length > MAX_PROBLEM_ERRORS) body.errorsOmitted = error.fields.length - MAX_PROBLEM_ERRORS;
  }
  return body;
}

/** Keeps every 400 at a few KiB whatever the client sent: 20 entries of bounded strings. */
function boundFieldError(error: FieldError): FieldError {
  return {
    field: clamp(error.field, MAX_FIELD_NAME_CHARS),
    code: clamp(error.code, MAX_FIELD_NAME_CHARS),
    message: clamp(error.message, MAX_MESSAGE_CHARS),
  };
}

function clamp(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  const body = buildProblem(error, String(reply.request.id));
  reply.code(body.status).headers(error.headers).type(PROBLEM_CONTENT_TYPE);
  return reply.send(body);
}

/** Fastify's own error codes, mapped to ours so no library name reaches a client. */
const FASTIFY_CODES: Readonly<Record<string, HttpErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'HTTP_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HTTP_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'HTTP_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HTTP_BAD_REQUEST',
  FST_ERR_BAD_URL: 'HTTP_BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'HTTP_URI_TOO_LONG',
};

const STATUS_CODES: Readonly<Record<number, HttpErrorCode>> = {
  404: 'HTTP_NOT_FOUND',
  408: 'HTTP_REQUEST_TIMEOUT',
  413: 'HTTP_BODY_TOO_LARGE',
  414: 'HTTP_URI_TOO_LONG',
  415: 'HTTP_UNSUPPORTED_MEDIA_TYPE',
  431: 'HTTP_HEADERS_TOO_LARGE',
  503: 'HTTP_UNAVAILABLE',
};

/** Seconds a client should wait when the database cannot be reached. */
const DATABASE_DOWN_RETRY_AFTER_SECONDS = 5;
/** Seconds a client should wait when another writer held the database's lock too long. */
const DATABASE_BUSY_RETRY_AFTER_SECONDS = 1;

/** Turns anything thrown into an AppError; unknown errors become a bare 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) return validationError(fastifyError);
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  const status = fastifyError.statusCode;
  const code =
    mapped ?? (status && status >= 400 && status < 500 ? (STATUS_CODES[status] ?? 'HTTP_BAD_REQUEST') : undefined);
  // Mapped codes carry only our own generic title, so they may be shown even for 5xx.
  if (code) return appError(code, { cause: error, expose: true });
  // PostgreSQL stopped or restarting: the request may work once it is back (a 503 with
  // Retry-After tells clients and load balancers so), and the driver's text stays in the log.
  if (isDatabaseUnreachable(error)) {
    return appError('HTTP_UNAVAILABLE', {
      cause: error,
      detail: 'The database is briefly unreachable; try again shortly.',
      expose: true,
      headers: { 'retry-after': String(DATABASE_DOWN_RETRY_AFTER_SECONDS) },
    });
  }
  // Another writer held the lock longer than Bulwark waits (a schema change, a command beside
  // the server): nothing is wrong with the request, and it may succeed in a moment.
  if (isDatabaseContended(error)) {
    return appError('HTTP_UNAVAILABLE', {
      cause: error,
      detail: 'The database is busy with another change; try again in a moment.',
      expose: true,
      headers: { 'retry-after': String(DATABASE_BUSY_RETRY_AFTER_SECONDS) },
    });
  }
  return appError('HTTP_INTERNAL', { cause: error, expose: false });
}

function validationError(error: Partial<FastifyError>): AppError {
  const fields: FieldError[] = (error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, unknown>;
    const base = issue.instancePath.split('/').filter(Boolean).join('.');
    const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const field = [base, extra].filter(Boolean).join('.') || (error.validationContext ?? 'body');
    const code = issue.keyword === 'additionalProperties' ? 'unknown_field' : issue.keyword;
    const message =
      issue.keyword === 'additionalProperties' ? 'is not an accepted field' : (issue.message ?? 'is invalid');
    return { field, code, message };
  });
  return appError('HTTP_VALIDATION', {
    fields,
    detail: `Invalid ${error.validationContext ?? 'input'}.`,
  });
}

/** The one error handler: logs the cause with the request id, sends problem+json. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    request.log.error({ err: error, code: appError.code }, 'request failed');
  } else {
    request.log.info({ code: appError.code }, 'request refused');
  }
  return sendProblem(reply, appError);
}
