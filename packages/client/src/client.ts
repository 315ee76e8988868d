import { AdminApi } from './admin.js';
import { ApiKeysApi } from './api-keys.js';
import { AuthApi, type SignInHolder } from './auth.js';
import { type BatchOperation, type BatchResults, sendBatch } from './batch.js';
import { ApiKeyCredentials, BearerCredentials, type BearerTokens, type TokenChange } from './bearer-credentials.js';
import { CollectionAdminApi } from './collection-admin.js';
import { CookieCredentials } from './cookie-credentials.js';
import { clientError } from './errors.js';
import { MetricsApi } from './instance-metrics.js';
import { MfaApi } from './mfa.js';
import { OperationsApi } from './operations.js';
import { PasskeysApi } from './passkeys.js';
import { CollectionApi, type RecordInput, type UntypedCollections } from './records.js';
import { type Credentials, type FetchLike, Transport } from './transport.js';
import { UsersAdminApi } from './users-admin.js';
import { WebhooksApi } from './webhooks.js';

/**
 * How the client signs in:
 * - `cookie` (browsers on the server's origin or an origin it trusts with credentials): the
 *   HttpOnly session cookie, CSRF token handled here;
 * - `bearer` (mobile, desktop, servers, or browsers that must not use cookies): access and
 *   refresh tokens, rotated here; give `tokens` to resume, `onTokens` to persist them;
 * - `apiKey`: a key made with `apiKeys.create` (or `bulwark keys create`), for scripts.
 */
export type AuthOptions =
  | { mode: 'cookie' }
  | {
      mode: 'bearer';
      tokens?: BearerTokens | null;
      /** Called with the new tokens after every sign-in step and refresh, and null when signed out. */
      onTokens?: (tokens: BearerTokens | null, change: TokenChange) => void;
    }
  | { mode: 'apiKey'; key: string };

export interface ClientOptions {
  /** The server's origin (`https://api.example.com`); leave out for a page served by the server itself. */
  url?: string;
  auth: AuthOptions;
  /** A fetch of your own (a cookie jar in Node, instrumentation); the platform's by default. */
  fetch?: FetchLike;
}

/**
 * A client for one Bulwark server. `C` maps collection names to their record fields, as
 * `bulwark types --out bulwark-types.ts` writes them, so records come back typed.
 * @example
 * import { createClient, filter } from '@bulwark/client';
 * import type { Collections } from './bulwark-types.js';
 * const client = createClient<Collections>({ url: 'https://api.example.com', auth: { mode: 'bearer' } });
 * await client.auth.signIn({ email, password });
 * const { items } = await client.collection('posts').list({ filter: filter`title ~ ${search}` });
 */
export class BulwarkClient<C = UntypedCollections, I extends { [K in keyof C]?: unknown } = InputsOf<C>> {
  readonly auth: AuthApi;
  readonly mfa: MfaApi;
  readonly passkeys: PasskeysApi;
  readonly apiKeys: ApiKeysApi;
  readonly admin: AdminApi;
  readonly operations: OperationsApi;
  readonly webhooks: WebhooksApi;
  readonly metrics: MetricsApi;
  readonly collectionAdmin: CollectionAdminApi;
  readonly adminUsers: UsersAdminApi;
  private readonly transport: Transport;
  private readonly holder: SignInHolder;

  constructor(options: ClientOptions) {
    const fetchImpl = options.fetch ?? defaultFetch();
    const { credentials, holder } = credentialsFor(options.auth);
    this.holder = holder;
    this.transport = new Transport((options.url ?? '').replace(/\/+$/, ''), fetchImpl, credentials);
    this.auth = new AuthApi(this.transport, this.holder);
    this.mfa = new MfaApi(this.transport, this.holder);
    this.passkeys = new PasskeysApi(this.transport, this.holder, this.auth);
    this.apiKeys = new ApiKeysApi(this.transport);
    this.admin = new AdminApi(this.transport);
    this.operations = new OperationsApi(this.transport);
    this.webhooks = new WebhooksApi(this.transport);
    this.metrics = new MetricsApi(this.transport);
    this.collectionAdmin = new CollectionAdminApi(this.transport);
    this.adminUsers = new UsersAdminApi(this.transport);
  }

  /** The records of one collection. */
  collection<K extends keyof C & string>(name: K): CollectionApi<C[K], InputOf<C, I, K>> {
    return new CollectionApi<C[K], InputOf<C, I, K>>(this.transport, name);
  }

  /**
   * Up to 100 record writes (the server's `records.batchMaxOperations`) in one request and one
   * transaction: all or nothing, each under its collection's rule for this sign-in. Answers each
   * operation's record (`null` for a delete), in order and typed.
   * @example
   * const notes = client.collection('notes');
   * const [note] = await client.batch([notes.inBatch.create({ title: 'a' }), notes.inBatch.update(id, { title: 'b' })]);
   */
  batch<const Ops extends readonly BatchOperation<unknown>[]>(operations: Ops): Promise<BatchResults<Ops>> {
    return sendBatch(this.transport, operations);
  }

  /** Bearer mode: the tokens held now (null when signed out); undefined in other modes. */
  get tokens(): BearerTokens | null | undefined {
    return this.holder.bearer?.current;
  }
}

/** Without an input map, what a create may send is derived from the record type. */
type InputsOf<C> = { [K in keyof C]: RecordInput<C[K]> };
type InputOf<C, I, K extends keyof C> = K extends keyof I ? I[K] : RecordInput<C[K]>;

/**
 * Shorthand for `new BulwarkClient<C, I>(options)`: `C` maps collection names to record types,
 * `I` (optional) to what a create or update may send, as `bulwark types` writes them
 * (`createClient<BulwarkCollections, BulwarkCollectionInputs>`).
 */
export function createClient<C = UntypedCollections, I extends { [K in keyof C]?: unknown } = InputsOf<C>>(
  options: ClientOptions,
): BulwarkClient<C, I> {
  return new BulwarkClient<C, I>(options);
}

function credentialsFor(auth: AuthOptions): { credentials: Credentials; holder: SignInHolder } {
  if (auth.mode === 'cookie') {
    const cookie = new CookieCredentials();
    return { credentials: cookie, holder: { cookie } };
  }
  if (auth.mode === 'bearer') {
    const bearer = new BearerCredentials(auth.tokens ?? null, auth.onTokens ?? (() => {}), Date.now);
    return { credentials: bearer, holder: { bearer } };
  }
  if (typeof auth.key !== 'string' || auth.key === '') {
    throw clientError('CLIENT_INVALID_ARGUMENT', 'Missing API key', 'Give auth.key for mode "apiKey".');
  }
  return { credentials: new ApiKeyCredentials(auth.key), holder: {} };
}

/** The platform's fetch, bound: browsers refuse a `fetch` called off its `window`. */
function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') {
    throw clientError('CLIENT_UNSUPPORTED', 'No fetch', 'This platform has no fetch: pass options.fetch.');
  }
  return globalThis.fetch.bind(globalThis);
}
