import type { paths } from './generated/openapi.js';

/**
 * Request and response bodies by path, method and status, read from the types generated from
 * the server's OpenAPI document (src/generated/openapi.ts): the client's types are the server's.
 */
type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Operation<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]>;

export type ResponseBody<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Operation<P, M> extends { responses: infer Responses }
    ? S extends keyof Responses
      ? JsonOf<Responses[S]>
      : never
    : never;

export type RequestBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : never;

/** A user as the auth routes return it. */
export type PublicUser = ResponseBody<'/api/auth/me', 'get', 200>['user'];
/** One of my sessions or bearer token families. */
export type SessionInfo = ResponseBody<'/api/auth/sessions', 'get', 200>['items'][number];
/** An API key's record (never the key itself). */
export type ApiKeyInfo = ResponseBody<'/api/keys', 'get', 200>['items'][number];
/** A scope an API key may hold. */
export type ApiKeyScope = RequestBody<'/api/keys', 'post'>['scopes'][number];
/** My second factors, and whether the policy requires one. */
export type FactorSummary = ResponseBody<'/api/auth/mfa', 'get', 200>;
/** A passkey as the server lists it. */
export type PasskeyInfo = ResponseBody<'/api/auth/webauthn/credentials', 'get', 200>['items'][number];
