import type { components } from './generated/openapi.js';

/** Every code the server can answer with, from its OpenAPI document (`Problem.code`). */
export type ServerErrorCode = components['schemas']['Problem']['code'];

/**
 * Codes of failures the client sees without a problem+json body:
 * - `CLIENT_SIGNED_OUT`: the sign-in ended (its refresh token was refused: expired, revoked, or
 *   replayed, which revokes the whole token family). Sign in again.
 * - `CLIENT_NETWORK`: no answer (offline, DNS, TLS, connection refused, aborted).
 * - `CLIENT_BAD_RESPONSE`: an answer that is not Bulwark's (a proxy's error page, say).
 * - `CLIENT_INVALID_ARGUMENT`: the call itself was wrong (a filter value that cannot be written,
 *   a field name that is not one); nothing was sent.
 * - `CLIENT_UNSUPPORTED`: the platform lacks what the call needs (WebAuthn outside a browser).
 * - `CLIENT_ALREADY_SIGNED_IN`: `passkeys.signIn()` while this browser holds a complete sign-in
 *   (step up with `passkeys.reauthenticate()`, or `auth.signOut()` first to change accounts).
 */
export type ClientErrorCode =
  | 'CLIENT_SIGNED_OUT'
  | 'CLIENT_NETWORK'
  | 'CLIENT_BAD_RESPONSE'
  | 'CLIENT_INVALID_ARGUMENT'
  | 'CLIENT_UNSUPPORTED'
  | 'CLIENT_ALREADY_SIGNED_IN';

export type BulwarkErrorCode = ServerErrorCode | ClientErrorCode;

/** One invalid field of a 400, as the server names it. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export interface BulwarkErrorInit {
  code: BulwarkErrorCode;
  status: number;
  title: string;
  type?: string;
  detail?: string;
  errors?: FieldProblem[];
  requestId?: string;
  retryAfterSeconds?: number;
  failedIndex?: number;
  failure?: BulwarkError;
  stepUpWith?: StepUpProof[];
  cause?: unknown;
}

/** What `auth.reauthenticate` must send to pass an `AUTH_STEP_UP_REQUIRED` refusal. */
export type StepUpProof = 'password' | 'code';

/**
 * The one error every call of the client throws: an RFC 9457 problem from the server, or a
 * client-side failure with a `CLIENT_*` code. Switch on `code`; it is stable, `title` and
 * `detail` are for people.
 * @example
 * try { await client.auth.signIn({ email, password }); }
 * catch (error) { if (error instanceof BulwarkError && error.code === 'AUTH_INVALID_CREDENTIALS') showWrongPassword(); }
 */
export class BulwarkError extends Error {
  override readonly name = 'BulwarkError';
  readonly code: BulwarkErrorCode;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly title: string;
  /** The problem's `type` URI (server errors only). */
  readonly type: string | undefined;
  readonly detail: string | undefined;
  /** For validation errors: which fields and why. */
  readonly errors: readonly FieldProblem[];
  /** The server's request id: quote it to the operator, who finds the log line by it. */
  readonly requestId: string | undefined;
  /** From `Retry-After` on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;
  /** A refused `client.batch`: which operation (from 0) made the server write nothing. */
  readonly failedIndex: number | undefined;
  /** A refused `client.batch`: that operation's own problem, as its single route answers it. */
  readonly failure: BulwarkError | undefined;
  /** `AUTH_STEP_UP_REQUIRED`: what to send to `auth.reauthenticate` before repeating the call. */
  readonly stepUpWith: readonly StepUpProof[] | undefined;

  constructor(init: BulwarkErrorInit) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.type = init.type;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.failedIndex = init.failedIndex;
    this.failure = init.failure;
    this.stepUpWith = init.stepUpWith;
  }

  /** Whether the sign-in is gone and the user must sign in again. */
  get isSignedOut(): boolean {
    return this.code === 'CLIENT_SIGNED_OUT';
  }
}

export const isBulwarkError = (error: unknown): error is BulwarkError => error instanceof BulwarkError;

/** A client-side failure; nothing reached the server, or nothing usable came back. */
export function clientError(code: ClientErrorCode, title: string, detail?: string, cause?: unknown): BulwarkError {
  return new BulwarkError({
    code,
    status: code === 'CLIENT_SIGNED_OUT' ? 401 : 0,
    title,
    ...(detail === undefined ? {} : { detail }),
    ...(cause === undefined ? {} : { cause }),
  });
}

interface ProblemBody {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  code?: unknown;
  detail?: unknown;
  errors?: unknown;
  requestId?: unknown;
  failedIndex?: unknown;
  failure?: unknown;
  stepUpWith?: unknown;
}

/** Reads a failed response: problem+json from Bulwark, anything else as CLIENT_BAD_RESPONSE. */
export async function errorFromResponse(response: Response): Promise<BulwarkError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retry = Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {};
  const body = (await response.json().catch(() => null)) as ProblemBody | null;
  if (!isProblem(body)) {
    return new BulwarkError({
      code: 'CLIENT_BAD_RESPONSE',
      status: response.status,
      title: 'Unexpected response',
      detail: `HTTP ${response.status} without a problem+json body: is the URL a Bulwark server?`,
      ...retry,
    });
  }
  return problemError(body, response.status, retry);
}

function problemError(
  body: ProblemBody & { code: string; title: string },
  status: number,
  extra: object,
): BulwarkError {
  const failure = body.failure as ProblemBody | undefined;
  return new BulwarkError({
    code: body.code as ServerErrorCode,
    status,
    title: body.title,
    ...(typeof body.type === 'string' ? { type: body.type } : {}),
    ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
    ...(Array.isArray(body.errors) ? { errors: body.errors as FieldProblem[] } : {}),
    ...(typeof body.requestId === 'string' ? { requestId: body.requestId } : {}),
    ...(typeof body.failedIndex === 'number' ? { failedIndex: body.failedIndex } : {}),
    ...(Array.isArray(body.stepUpWith) ? { stepUpWith: body.stepUpWith.filter(isStepUpProof) } : {}),
    ...(isProblem(failure) ? { failure: problemError(failure, Number(failure.status) || status, {}) } : {}),
    ...extra,
  });
}

const isProblem = (body: ProblemBody | null | undefined): body is ProblemBody & { code: string; title: string } =>
  typeof body === 'object' && body !== null && typeof body.code === 'string' && typeof body.title === 'string';

const isStepUpProof = (value: unknown): value is StepUpProof => value === 'password' || value === 'code';
