import { type ErrorCode, statusFor } from './codes.js';

/**
 * The one error type the product throws on purpose. `code` is stable and documented in
 * docs/errors.md; `expose` decides whether `detail` may reach a client (jose-style), and
 * `cause` is logged, never sent.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The status is not an option: it comes from the code's entry in the registry. */
export interface AppErrorOptions {
  detail?: string;
  fields?: FieldError[];
  cause?: unknown;
  expose?: boolean;
  headers?: Record<string, string>;
  /**
   * RFC 9457 §3.2 extension members, sent beside the standard ones when `detail` is (a batch's
   * failing index); they never replace a standard member.
   */
  members?: Readonly<Record<string, unknown>>;
}

/** Set by AppError's static block (declared first: the block runs when the class is defined). */
let construct: (code: ErrorCode, options: AppErrorOptions) => AppError;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly fields: FieldError[] | undefined;
  readonly expose: boolean;
  readonly headers: Record<string, string>;
  readonly members: Readonly<Record<string, unknown>> | undefined;

  /** Protected: `appError(code)` makes one; only subclasses that carry more (findings, problems) call it. */
  protected constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = statusFor(code);
    this.detail = options.detail;
    this.fields = options.fields;
    // Client errors are meant for the client; server errors never expose detail by default.
    this.expose = options.expose ?? this.status < 500;
    this.headers = options.headers ?? {};
    this.members = options.members;
  }

  static {
    // A static block may call the protected constructor; `appError` below is its only other caller.
    construct = (code, options) => new AppError(code, options);
  }
}

/**
 * The way to make an AppError: the code must be in the registry (src/errors/codes.ts), which
 * gives the status, so neither can drift.
 * @example throw appError('REC_NOT_FOUND', { detail: 'No record with this id.' })
 */
export function appError(code: ErrorCode, options: AppErrorOptions = {}): AppError {
  return construct(code, options);
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
