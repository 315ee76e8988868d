import { BulwarkError, clientError, errorFromResponse } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Whose authority a request carries:
 * - `session`: the sign-in (cookie with its CSRF token, or bearer token refreshed as needed);
 * - `none`: routes that act on no session (sign-up, sign-in, refresh): nothing is attached and
 *   nothing is retried, so a stale token can never turn a sign-in into a refresh loop;
 * - `restricted`: the sign-in as it stands, never refreshed (a sign-in still owing its second
 *   step has no refresh token).
 */
export type Authority = 'session' | 'none' | 'restricted';

export interface ApiRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON, or a FormData sent as multipart. */
  body?: unknown;
  authority?: Authority;
}

/** What a credential strategy attached to one attempt, so it can judge that attempt's failure. */
export interface Attempt {
  headers: Record<string, string>;
  /** The bearer token sent, if any: a refresh is due only if it is still the current one. */
  sentToken?: string;
}

/**
 * How a sign-in is carried: cookies with a CSRF token, bearer tokens, or an API key. `recover`
 * is asked once per request after a refusal and says whether one more attempt can succeed
 * (a new CSRF token fetched, tokens refreshed); it throws when the sign-in is gone.
 */
export interface Credentials {
  readonly fetchCredentials: 'include' | 'omit' | 'same-origin';
  prepare(request: ApiRequest, transport: Transport): Promise<Attempt>;
  recover(error: BulwarkError, request: ApiRequest, attempt: Attempt, transport: Transport): Promise<boolean>;
}

const UNSAFE: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isUnsafe = (method: HttpMethod) => UNSAFE.has(method);

/** Sends JSON to one Bulwark server and turns every failure into a BulwarkError. */
export class Transport {
  credentials: Credentials;

  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: FetchLike,
    credentials: Credentials,
  ) {
    this.credentials = credentials;
  }

  /** One call with its credentials, and at most one more attempt when they can be repaired. */
  async request<T>(request: ApiRequest): Promise<T> {
    const attempt = await this.credentials.prepare(request, this);
    try {
      return await this.send<T>(request, attempt.headers);
    } catch (error) {
      if (!(error instanceof BulwarkError) || error.status === 0) throw error;
      if (!(await this.credentials.recover(error, request, attempt, this))) throw error;
    }
    const retry = await this.credentials.prepare(request, this);
    return this.send<T>(request, retry.headers);
  }

  /** One HTTP exchange, no credential logic: used by strategies for their own calls. */
  async send<T>(request: ApiRequest, headers: Record<string, string>): Promise<T> {
    const hasBody = request.body !== undefined;
    // A FormData body (a file upload) goes as multipart: fetch writes its content type and boundary.
    const multipart = typeof FormData === 'function' && request.body instanceof FormData;
    const json = hasBody && !multipart;
    const init: RequestInit = {
      method: request.method,
      headers: { accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
      credentials: this.credentials.fetchCredentials,
      ...(multipart ? { body: request.body as FormData } : json ? { body: JSON.stringify(request.body) } : {}),
    };
    let response: Response;
    try {
      response = await this.fetchImpl(this.urlFor(request), init);
    } catch (error) {
      throw clientError('CLIENT_NETWORK', 'No answer from the server', 'Check the URL and the connection.', error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw clientError('CLIENT_BAD_RESPONSE', 'Unexpected response', `HTTP ${response.status} is not JSON.`, error);
    }
  }

  /** An address the server gave as a path (e.g. a signed file link), made absolute for this server. */
  absolute(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  private urlFor(request: ApiRequest): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${request.path}${query ? `?${query}` : ''}`;
  }
}

/** A path segment from a caller's value: `/` or `?` in an id can never reach another route. */
export const segment = (value: string) => encodeURIComponent(value);
