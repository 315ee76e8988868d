import type { OperatorErrorCode } from './operator-codes.js';

/**
 * Registries of every error code: ERROR_CODES, those a client can see, each unique and mapped
 * to one status and one `type` slug; OPERATOR_CODES (operator-codes.ts), those only the log and the commands show.
 * Both are documented in docs/errors.md (generated from these tables and checked by a test).
 * Features add their prefix-scoped codes here so one list stays the truth: `appError` takes no
 * other code.
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
  HTTP_NUL_CHARACTER: {
    status: 400,
    title: 'NUL character in input',
    slug: 'nul-character',
    hint: 'Remove NUL characters (U+0000) from the path, the query string and the body: no field accepts them.',
  },
  HTTP_BAD_HOST: {
    status: 400,
    title: 'Missing or invalid Host header',
    slug: 'bad-host',
    hint: 'Send a `Host` header with a valid host name and optional port, or have the operator set `publicUrl`.',
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
  HTTP_URI_TOO_LONG: {
    status: 414,
    title: 'URI Too Long',
    slug: 'uri-too-long',
    hint: 'Send shorter path segments: each path parameter is at most 2,048 characters.',
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
  AUTH_REQUIRED: {
    status: 401,
    title: 'Authentication required',
    slug: 'unauthenticated',
    hint: 'Sign in (POST /api/auth/login or /api/auth/token) and send the session cookie or a bearer token.',
  },
  AUTH_INVALID_CREDENTIALS: {
    status: 401,
    title: 'Wrong email or password',
    slug: 'invalid-credentials',
    hint: 'Check the email and password; after repeated failures sign-in is throttled.',
  },
  AUTH_INVALID_TOKEN: {
    status: 401,
    title: 'Invalid or expired token',
    slug: 'invalid-token',
    hint: 'Sign in again, or use POST /api/auth/refresh with a current refresh token.',
  },
  AUTH_EMAIL_NOT_VERIFIED: {
    status: 403,
    title: 'Email address not verified',
    slug: 'email-not-verified',
    hint: 'Open the verification link mailed to you, then sign in again.',
  },
  AUTH_CSRF: {
    status: 403,
    title: 'Cross-site request refused',
    slug: 'csrf',
    hint: 'Send the token from GET /api/auth/csrf as X-CSRF-Token, from the application’s own origin.',
  },
  AUTH_FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    slug: 'forbidden',
    hint: 'This action needs a role or API key scope you do not have.',
  },
  AUTH_STEP_UP_REQUIRED: {
    status: 403,
    title: 'Recent sign-in required',
    slug: 'step-up-required',
    hint: 'Step up with POST /api/auth/reauth, sending what `stepUpWith` names (`password`, `code` or both), then repeat the request within 5 minutes.',
  },
  AUTH_WEAK_PASSWORD: {
    status: 400,
    title: 'Password not accepted',
    slug: 'weak-password',
    hint: 'Choose a longer, less common password; `errors[]` says why this one was refused.',
  },
  AUTH_EMAIL_TAKEN: {
    status: 409,
    title: 'Email address already registered',
    slug: 'email-taken',
    hint: 'Sign in, or reset the password of that account.',
  },
  AUTH_TOKEN_SPENT: {
    status: 400,
    title: 'Link invalid, expired or already used',
    slug: 'token-spent',
    hint: 'Ask for a new link; each link works once and for 30 minutes.',
  },
  AUTH_SETUP_CLOSED: {
    status: 409,
    title: 'Set-up already done',
    slug: 'setup-closed',
    hint: 'An administrator exists; sign in, or use `bulwark admin create` on the server.',
  },
  AUTH_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    slug: 'auth-not-found',
    hint: 'The session or key does not exist or is not yours.',
  },
  AUTH_MFA_REQUIRED: {
    status: 401,
    title: 'Second factor required',
    slug: 'mfa-required',
    hint: 'Complete the sign-in with POST /api/auth/mfa/verify {code} or a passkey (POST /api/auth/webauthn/login/options and /verify).',
  },
  AUTH_MFA_ENROLMENT_REQUIRED: {
    status: 403,
    title: 'Second factor enrolment required',
    slug: 'mfa-enrolment-required',
    hint: 'Enrol a second factor first: POST /api/auth/mfa/totp/setup then /confirm, or register a passkey.',
  },
  AUTH_MFA_SIGN_IN_AGAIN: {
    status: 401,
    title: 'Sign in again with your code',
    slug: 'mfa-sign-in-again',
    hint: 'Your second factor is enrolled, but this sign-in was made only to enrol it and stays restricted. Sign in again with your password and code: POST /api/auth/token {email, password, code}, POST /api/auth/login, or a passkey.',
  },
  AUTH_INVALID_CODE: {
    status: 401,
    title: 'Wrong or used code',
    slug: 'invalid-code',
    hint: 'Enter the current code from your authenticator app, or an unused recovery code; after repeated failures sign-in is throttled.',
  },
  AUTH_MFA_STATE: {
    status: 409,
    title: 'Second factor not in that state',
    slug: 'mfa-state',
    hint: 'Start with POST /api/auth/mfa/totp/setup; a confirmed authenticator must be removed before setting up another.',
  },
  AUTH_LAST_FACTOR: {
    status: 409,
    title: 'Last second factor',
    slug: 'last-factor',
    hint: 'Your account must keep a second factor: enrol another one before removing this one.',
  },
  AUTH_PASSKEY_FAILED: {
    status: 401,
    title: 'Passkey not accepted',
    slug: 'passkey-failed',
    hint: 'Ask for new options and try again with a passkey registered for this site.',
  },
  AUTH_OIDC_UNKNOWN_PROVIDER: {
    status: 404,
    title: 'Unknown sign-in provider',
    slug: 'oidc-unknown-provider',
    hint: 'Use one of the providers configured in `auth.oidc.providers`.',
  },
  AUTH_OIDC_FAILED: {
    status: 401,
    title: 'Sign-in with the provider failed',
    slug: 'oidc-failed',
    hint: 'Start again from /api/auth/oidc/{provider}/start in the same browser, within 10 minutes.',
  },
  AUTH_OIDC_ACCOUNT_EXISTS: {
    status: 409,
    title: 'An account with this email exists',
    slug: 'oidc-account-exists',
    hint: 'Sign in to that account with its password, then link the provider from there (start with ?link=true).',
  },
  AUTH_OIDC_UNAVAILABLE: {
    status: 503,
    title: 'Sign-in provider unreachable',
    slug: 'oidc-unavailable',
    hint: 'Try again later; the identity provider did not answer.',
  },
  ADMIN_USER_NOT_FOUND: {
    status: 404,
    title: 'User not found',
    slug: 'user-not-found',
    hint: 'No user has this id; list users with GET /api/admin/users.',
  },
  ADMIN_SELF_CHANGE: {
    status: 409,
    title: 'Cannot change your own account this way',
    slug: 'admin-self-change',
    hint: 'Administrators cannot disable, demote or delete themselves; ask another administrator.',
  },
  ADMIN_LAST_ADMIN: {
    status: 409,
    title: 'Last active administrator',
    slug: 'last-admin',
    hint: 'Promote or re-enable another administrator first: at least one active administrator must remain.',
  },
  HTTP_REDIRECT_NOT_ALLOWED: {
    status: 400,
    title: 'Redirect target not allowed',
    slug: 'redirect-not-allowed',
    hint: 'Use a path on this server or an address in `auth.redirects.allowed`.',
  },
  ABUSE_RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    slug: 'rate-limited',
    hint: 'Wait the number of seconds in `Retry-After`, then slow down.',
  },
  ABUSE_ACCOUNT_THROTTLED: {
    status: 429,
    title: 'Too many failed sign-ins for this account',
    slug: 'account-throttled',
    hint: 'Wait the number of seconds in `Retry-After`; reset the password if you forgot it.',
  },
  ABUSE_BANNED: {
    status: 403,
    title: 'Address banned',
    slug: 'banned',
    hint: 'Too many failed sign-ins came from this address; the ban ends by itself (see `Retry-After`).',
  },
  ABUSE_ADDRESS_REFUSED: {
    status: 403,
    title: 'Address not allowed',
    slug: 'address-refused',
    hint: 'This address is on the deny list, or outside the allow list for admin routes.',
  },
  RULE_SYNTAX: {
    status: 400,
    title: 'Malformed rule or filter',
    slug: 'rule-syntax',
    hint: 'Fix the expression at the character named in `detail`; e.g. `owner = @request.auth.id && (published = true)`.',
  },
  RULE_TOO_LONG: {
    status: 400,
    title: 'Rule, filter or value too long',
    slug: 'rule-too-long',
    hint: 'Keep expressions under 2048 characters, string literals under 512 and `~` operands under 4096.',
  },
  RULE_TOO_DEEP: {
    status: 400,
    title: 'Rule nested too deeply',
    slug: 'rule-too-deep',
    hint: 'Use at most 16 levels of parentheses and at most 1 relation hop in a field path (`owner.role`).',
  },
  RULE_TOO_MANY_TERMS: {
    status: 400,
    title: 'Too many comparisons or sort keys',
    slug: 'rule-too-many-terms',
    hint: 'Use at most 32 comparisons in one expression, of which at most 2 `~`/`!~` and 1 relation path, and at most 8 keys in `sort`, of which 1 relation path.',
  },
  RULE_UNKNOWN_FIELD: {
    status: 400,
    title: 'Unknown field in rule, filter or sort',
    slug: 'rule-unknown-field',
    hint: 'Use a field of the collection (or `id`, `created`, `updated`); check its spelling.',
  },
  RULE_TYPE_MISMATCH: {
    status: 400,
    title: 'Comparison of incompatible types',
    slug: 'rule-type-mismatch',
    hint: 'Compare text with text (`"…"`), numbers with numbers and bools with `true`/`false`; `~` works on text only.',
  },
  RULE_FIELD_NOT_FILTERABLE: {
    status: 400,
    title: 'Field cannot be filtered or sorted on',
    slug: 'rule-field-not-filterable',
    hint: 'Hidden and encrypted fields cannot appear in a filter, sort or rule; remove the field from the expression.',
  },
  RULE_UNKNOWN_REQUEST_FIELD: {
    status: 400,
    title: 'Unknown @request value',
    slug: 'rule-unknown-request-field',
    hint: 'Use `@request.auth.id`, `@request.auth.role`, another `@request.auth.*` field or a `@request.body.*` field the collection defines.',
  },
  COLL_INVALID: {
    status: 400,
    title: 'Invalid collection definition',
    slug: 'collection-invalid',
    hint: 'Fix the fields named in `errors[]`; see the collection definition in the README.',
  },
  COLL_EXISTS: {
    status: 409,
    title: 'Collection already exists',
    slug: 'collection-exists',
    hint: 'Choose another name, or PATCH the existing collection.',
  },
  COLL_NOT_FOUND: {
    status: 404,
    title: 'Collection not found',
    slug: 'collection-not-found',
    hint: 'Check the name against GET /api/admin/collections.',
  },
  COLL_DATA_LOSS: {
    status: 409,
    title: 'Change would destroy data',
    slug: 'collection-data-loss',
    hint: 'Repeat the request with `confirmDataLoss: true` if the data named in `detail` may go.',
  },
  COLL_IN_USE: {
    status: 409,
    title: 'Collection still referenced',
    slug: 'collection-in-use',
    hint: 'Remove the relation fields named in `detail` first, then delete the collection.',
  },
  COLL_UNIQUE_CONFLICT: {
    status: 409,
    title: 'Existing records share a value',
    slug: 'collection-unique-conflict',
    hint: 'Make the values of the field named in `detail` distinct, then make it unique.',
  },
  SCHEMA_INVALID: {
    status: 400,
    title: 'Invalid schema file',
    slug: 'schema-invalid',
    hint: 'Send a schema as `GET /api/admin/schema` (or `bulwark schema export`) writes it: `format`, `version` and `collections`, fixed where `errors[]` says.',
  },
  REC_NOT_FOUND: {
    status: 404,
    title: 'Record not found',
    slug: 'record-not-found',
    hint: 'The record does not exist or you may not see it.',
  },
  REC_FORBIDDEN: {
    status: 403,
    title: 'Not allowed by the collection’s rules',
    slug: 'record-forbidden',
    hint: 'The collection’s create rule does not allow this record for you.',
  },
  REC_QUERY_TIMEOUT: {
    status: 503,
    title: 'Query took too long',
    slug: 'record-query-timeout',
    hint: 'Narrow the filter (fewer `~` terms, more specific fields) and try again.',
  },
  REC_CONFLICT: {
    status: 409,
    title: 'Value already taken',
    slug: 'record-conflict',
    hint: 'A unique field named in `errors[]` already holds this value in another record.',
  },
  BATCH_TOO_LARGE: {
    status: 400,
    title: 'Too many operations in one batch',
    slug: 'batch-too-large',
    hint: 'Split the operations into batches no larger than the limit named in `detail` (`records.batchMaxOperations`).',
  },
  BATCH_INVALID_OPERATION: {
    status: 400,
    title: 'Operation not accepted in a batch',
    slug: 'batch-invalid-operation',
    hint: 'Each operation is `{method, url, body?}`: POST `/api/collections/:c/records`, or PATCH or DELETE `/api/collections/:c/records/:id`; `failedIndex` names the one to fix. Reads are not batched.',
  },
  BATCH_OPERATION_FAILED: {
    status: 400,
    title: 'An operation of the batch failed; nothing was written',
    slug: 'batch-operation-failed',
    hint: '`failedIndex` names the operation and `failure` holds the problem its single route would have answered; fix it and send the whole batch again.',
  },
  HOOK_URL_REFUSED: {
    status: 400,
    title: 'Webhook URL refused',
    slug: 'webhook-url-refused',
    hint: 'Give an `https://` URL to a public address (no credentials, no loopback, private, link-local or metadata address). To reach an internal receiver on purpose, allow its range in `outbound.allowedCidrs` (and plain http with `outbound.allowHttp`).',
  },
  HOOK_EVENT_UNKNOWN: {
    status: 400,
    title: 'Unknown webhook event',
    slug: 'webhook-event-unknown',
    hint: 'Use the event names listed in the README (`record.created`, `user.signed_in`, …) or a family pattern such as `record.*`.',
  },
  HOOK_SECRET_INVALID: {
    status: 400,
    title: 'Invalid webhook secret',
    slug: 'webhook-secret-invalid',
    hint: 'Leave `secret` out to have one generated, or give `whsec_` followed by the base64 of 24 to 64 random bytes.',
  },
  HOOK_NOT_FOUND: {
    status: 404,
    title: 'Webhook not found',
    slug: 'webhook-not-found',
    hint: 'Check the id against GET /api/admin/webhooks.',
  },
  FILE_TOO_LARGE: {
    status: 413,
    title: 'File too large',
    slug: 'file-too-large',
    hint: 'Send a file no larger than the size named in `detail` (the field’s `maxSizeBytes`).',
  },
  FILE_TYPE_REFUSED: {
    status: 415,
    title: 'File type not accepted',
    slug: 'file-type-refused',
    hint: 'The type is read from the file’s bytes, not its name: send a file of one of the types named in `detail`.',
  },
  FILE_NOT_MULTIPART: {
    status: 415,
    title: 'Upload is not multipart/form-data',
    slug: 'file-not-multipart',
    hint: 'Send the file as `multipart/form-data` with one part named `file` (curl: `-F file=@photo.png`).',
  },
  FILE_MALFORMED_UPLOAD: {
    status: 400,
    title: 'Malformed upload',
    slug: 'file-malformed-upload',
    hint: 'Send a well-formed `multipart/form-data` body holding exactly one part, named `file`, and nothing else.',
  },
  FILE_FIELD_NOT_FOUND: {
    status: 404,
    title: 'No such file field',
    slug: 'file-field-not-found',
    hint: 'Name a field of type `file` of this collection in the path.',
  },
  FILE_FIELD_FULL: {
    status: 409,
    title: 'File field is full',
    slug: 'file-field-full',
    hint: 'The field holds its `maxSelect` files: delete one (DELETE …/files/:field/:fileId) before uploading another.',
  },
  FILE_NOT_FOUND: {
    status: 404,
    title: 'File not found',
    slug: 'file-not-found',
    hint: 'The file does not exist or you may not see it; its record’s view rule decides.',
  },
  FILE_PENDING_SCAN: {
    status: 409,
    title: 'File not yet scanned',
    slug: 'file-pending-scan',
    hint: 'The file is being checked for malware; retry after the seconds in `Retry-After`.',
  },
  FILE_LINK_INVALID: {
    status: 403,
    title: 'Download link not valid',
    slug: 'file-link-invalid',
    hint: 'The link has expired or was altered: ask for a new one with POST …/files/:field/:fileId/link.',
  },
  FILE_RANGE_NOT_SATISFIABLE: {
    status: 416,
    title: 'Range not satisfiable',
    slug: 'file-range-not-satisfiable',
    hint: 'Ask for one byte range inside the file (`Content-Range` names its size), or no range for the whole file.',
  },
  FILE_STORE_UNAVAILABLE: {
    status: 503,
    title: 'File store unreachable',
    slug: 'file-store-unavailable',
    hint: 'Retry after the number of seconds in `Retry-After`; the operator checks that the file store (the S3 bucket) answers.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** A code a client can receive in a problem body (and the OpenAPI document lists). */
export type HttpErrorCode = keyof typeof ERROR_CODES;

/** Every code the product gives an error: a closed union, so a code outside both tables does not compile. */
export type ErrorCode = HttpErrorCode | OperatorErrorCode;

/** The status an error with this code answers with: the registry's, 500 for an operator code. */
export function statusFor(code: ErrorCode): number {
  return code in ERROR_CODES ? ERROR_CODES[code as HttpErrorCode].status : 500;
}

export function isHttpErrorCode(code: string): code is HttpErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export function problemTypeFor(code: HttpErrorCode): string {
  return PROBLEM_TYPE_BASE + ERROR_CODES[code].slug;
}
