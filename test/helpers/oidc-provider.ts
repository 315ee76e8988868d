import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OidcTestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /**
   * How the client authenticates at the token endpoint. Default `client_secret_post`, which is
   * what openid-client v6 uses when given a bare client secret; any other method is refused.
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic';
}

export interface OidcTestAccount {
  email: string;
  emailVerified: boolean;
  name?: string;
}

export interface OidcProviderOptions {
  /** Confidential clients, authorization code flow only. */
  clients: OidcTestClient[];
  /** Accounts by subject (`sub`). */
  accounts: Record<string, OidcTestAccount>;
  /**
   * Serve a discovery document whose `issuer` is this value instead of the real one, as a
   * provider impersonating another would. Tokens are still issued with the real issuer.
   */
  issuerOverride?: string;
  /**
   * Rewrite the `id_token` of every token response (forged signature, `alg: none`…), as a
   * compromised or impersonated token endpoint would.
   */
  tamperIdToken?: (idToken: string) => string;
}

export interface OidcTestProvider {
  /** `http://127.0.0.1:PORT`, no trailing slash; the real issuer, also with `issuerOverride`. */
  issuer: string;
  /**
   * The settings an app needs to reach this provider: it listens on loopback over plain HTTP,
   * which the outbound guard refuses until an administrator allows both (README, "Outbound
   * requests").
   */
  outboundEnv: Readonly<Record<string, string>>;
  stop(): Promise<void>;
  /**
   * Act as the user's browser: GET the provider's authorization URL, sign in as `subject` and
   * consent to everything requested, following the provider's redirects with a fresh cookie
   * jar, and return the final redirect `Location` to the relying party (`redirect_uri?code=…&state=…`,
   * or `?error=access_denied` when `subject` is not a known account, or `?error=…` when the
   * provider rejects the request in a way it can report to the client). Throws when the
   * provider answers with an error page instead (e.g. unknown client or redirect_uri).
   */
  authorize(authorizationUrl: string, subject: string): Promise<string>;
}

/** Header through which `authorize` tells the interaction endpoint whom to sign in. */
const SUBJECT_HEADER = 'x-test-subject';
const MAX_REDIRECTS = 10;

/**
 * A real OpenID Provider (`oidc-provider` v9) on 127.0.0.1 and a random port: scopes openid,
 * email and profile; PKCE with S256 required for every client; ID tokens carry the scope's
 * claims (`conformIdTokenClaims: false`); RS256 signing key and cookie keys generated per
 * start; in-memory storage; no logging (apart from the "Unsupported runtime" notice that
 * oidc-provider prints once when first imported under Node 20).
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcTestProvider> {
  // oidc-provider ships no type declarations: import it through a non-literal specifier and
  // describe the few parts used here.
  const specifier = 'oidc-provider';
  const { default: Provider } = (await import(specifier)) as { default: ProviderConstructor };

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { accounts } = options;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? 'client_secret_post',
    })),
    jwks: { keys: [{ ...signingKey, kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, claimsParameter: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts[sub];
      if (account === undefined) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: account.emailVerified,
            ...(account.name === undefined ? {} : { name: account.name }),
          };
        },
      };
    },
    // Everything below only replaces defaults that print a notice when first used.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    clientBasedCORS: () => false,
    renderError(ctx: KoaContext, out: Record<string, unknown>) {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.silent = true; // Koa: no console.error for server errors

  const { issuerOverride } = options;
  if (issuerOverride !== undefined) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && ctx.body !== null && typeof ctx.body === 'object') {
        ctx.body = { ...ctx.body, issuer: issuerOverride };
      }
    });
  }

  const { tamperIdToken } = options;
  if (tamperIdToken !== undefined) {
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: unknown } | null;
      if (ctx.path === '/token' && body !== null && typeof body === 'object' && typeof body.id_token === 'string') {
        ctx.body = { ...body, id_token: tamperIdToken(body.id_token) };
      }
    });
  }

  const providerCallback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
      handleInteraction(provider, accounts, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    providerCallback(req, res);
  });

  return {
    issuer,
    outboundEnv: { BULWARK_OUTBOUND_ALLOW_HTTP: 'true', BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32' },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    authorize: (authorizationUrl, subject) => authorizeAs(new URL(issuer).origin, authorizationUrl, subject),
  };
}

/**
 * The provider's interaction endpoint: signs in the subject named by `SUBJECT_HEADER` at the
 * login prompt, and grants every requested scope and claim at the consent prompt.
 */
async function handleInteraction(
  provider: ProviderInstance,
  accounts: Record<string, OidcTestAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const subject = req.headers[SUBJECT_HEADER];
  if (details.prompt.name === 'login') {
    if (typeof subject !== 'string' || !Object.hasOwn(accounts, subject)) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'unknown test account',
      });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: subject } });
    return;
  }
  if (details.prompt.name === 'consent') {
    const accountId = details.session?.accountId;
    if (accountId === undefined) throw new Error('consent prompt without a signed-in account');
    const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
    const grant = existing ?? new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: existing ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  throw new Error(`unexpected interaction prompt ${details.prompt.name}`);
}

/** Follows the provider's redirects like a browser would, until one leaves the provider's origin. */
async function authorizeAs(providerOrigin: string, authorizationUrl: string, subject: string): Promise<string> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = {};
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (url.pathname.startsWith('/interaction/')) headers[SUBJECT_HEADER] = subject;
    const response = await fetch(url, { redirect: 'manual', headers });
    jar.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      throw new Error(`OIDC provider answered ${url.pathname} with ${response.status}: ${await response.text()}`);
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (next.origin !== providerOrigin) return next.href;
    url = next;
  }
  throw new Error(`OIDC provider redirected more than ${MAX_REDIRECTS} times`);
}

/** Just enough of a browser cookie jar: name and path scoping, deletion by expiry; no domains. */
class CookieJar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  store(requestUrl: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = requestUrl.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', attrValue = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'path') path = attrValue || '/';
        if (key.toLowerCase() === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(attrValue) <= 0) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url: URL): string {
    return [...this.#cookies.values()]
      .filter(({ path }) => url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }
}

interface AdapterPayload {
  [key: string]: unknown;
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
}

/** oidc-provider's storage, in memory and per provider; without it, oidc-provider warns about its own. */
function memoryAdapter(): (model: string) => object {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  const findBy = (model: string, field: 'uid' | 'userCode', value: string) => {
    for (const key of store.keys()) {
      if (!key.startsWith(`${model}:`)) continue;
      const payload = live(key);
      if (payload?.[field] === value) return payload;
    }
    return undefined;
  };
  return (model) => ({
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      store.set(`${model}:${id}`, { payload, expiresAt });
    },
    async find(id: string) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid: string) {
      return findBy(model, 'uid', uid);
    },
    async findByUserCode(userCode: string) {
      return findBy(model, 'userCode', userCode);
    },
    async consume(id: string) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId: string) {
      for (const [key, { payload }] of store) {
        if (payload.grantId === grantId) store.delete(key);
      }
    },
  });
}

// The parts of oidc-provider's (untyped) API that this helper uses.

interface KoaContext {
  path: string;
  type: string;
  body: unknown;
}

interface InteractionDetails {
  prompt: {
    name: string;
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
  };
  params: Record<string, unknown>;
  session?: { accountId: string };
  grantId?: string;
}

interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}

interface ProviderInstance {
  silent: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): unknown;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  };
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
