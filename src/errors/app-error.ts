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

export interface AppErrorOptions {
  status: number;
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

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly fields: FieldError[] | undefined;
  readonly expose: boolean;
  readonly headers: Record<string, string>;
  readonly members: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, options: AppErrorOptions) {
    super(options.detail ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.detail = options.detail;
    this.fields = options.fields;
    // Client errors are meant for the client; server errors never expose detail by default.
    this.expose = options.expose ?? options.status < 500;
    this.headers = options.headers ?? {};
    this.members = options.members;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
