/**
 * Registry of every error code a client can see. Each code is unique, maps to one status and
 * one `type` slug, and is documented in docs/errors.md (generated from this table and checked
 * by a test). Features add their prefix-scoped codes here so one list stays the truth.
 */
export interface ErrorCodeInfo {
  status: number;
  title: string;
  /** Last path segment of the problem `type` URI. */
  slug: string;
  /** What the caller should do; shown in docs/errors.md. */
  hint: string;
}

export const PROBLEM_TYPE_BASE = 'https://bulwark.dev/problems/';

export const ERROR_CODES = {
  HTTP_BAD_REQUEST: {
    status: 400,
    title: 'Bad Request',
    slug: 'bad-request',
    hint: 'Send a well-formed HTTP request.',
  },
  HTTP_VALIDATION: {
    status: 400,
    title: 'Invalid input',
    slug: 'validation',
    hint: 'Fix the fields listed in `errors[]` and send the request again.',
  },
  HTTP_MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON body',
    slug: 'malformed-json',
    hint: 'Send a body that is valid JSON.',
  },
  HTTP_JSON_TOO_DEEP: {
    status: 400,
    title: 'JSON body nested too deeply',
    slug: 'json-too-deep',
    hint: 'Flatten the body: objects and arrays may nest at most 32 levels.',
  },
  HTTP_FORBIDDEN_KEY: {
    status: 400,
    title: 'Forbidden property name in JSON body',
    slug: 'forbidden-key',
    hint: 'Remove `__proto__` and `constructor.prototype` keys from the body.',
  },
  HTTP_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    slug: 'not-found',
    hint: 'Check the path against GET /api/openapi.json.',
  },
  HTTP_METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method Not Allowed',
    slug: 'method-not-allowed',
    hint: 'Use one of the methods listed in the `Allow` header.',
  },
  HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request Timeout',
    slug: 'request-timeout',
    hint: 'Send the whole request promptly; slow requests are cut off.',
  },
  HTTP_BODY_TOO_LARGE: {
    status: 413,
    title: 'Body too large',
    slug: 'body-too-large',
    hint: 'Send a smaller body; the limit is `server.bodyLimitBytes` (default 1 MiB).',
  },
  HTTP_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported Media Type',
    slug: 'unsupported-media-type',
    hint: 'Send the body as JSON with `Content-Type: application/json`.',
  },
  HTTP_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request Header Fields Too Large',
    slug: 'headers-too-large',
    hint: 'Send fewer or smaller headers.',
  },
  HTTP_INTERNAL: {
    status: 500,
    title: 'Internal Server Error',
    slug: 'internal',
    hint: 'Retry later; quote the request id to the operator, who finds the cause in the log.',
  },
  HTTP_UNAVAILABLE: {
    status: 503,
    title: 'Service Unavailable',
    slug: 'unavailable',
    hint: 'Retry after the number of seconds in `Retry-After`.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function problemTypeFor(code: string): string {
  const info = (ERROR_CODES as Record<string, ErrorCodeInfo>)[code];
  return PROBLEM_TYPE_BASE + (info?.slug ?? 'internal');
}
