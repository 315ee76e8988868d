import type { LightMyRequestResponse } from 'fastify';
import { afterAll, expect } from 'vitest';
import { cookieFor, sessionSetCookie, sessionTokenFrom, setCookies } from './auth-client.js';
import { injectSend } from './mfa-client.js';
import { type OidcTestAccount, type OidcTestProvider, startOidcProvider } from './oidc-provider.js';
import { useTestApp } from './test-app.js';

/**
 * What the OIDC sign-in attack files (test/attacks/oidc-*.test.ts) share: one test provider with
 * two registrations of the app, the browser's side of the flow (start, consent at the provider,
 * callback), and the checks of what a callback answers. Kept in one place so every file signs in
 * through the provider the same way.
 */

export const STATE_COOKIE = '__Host-bulwark_oidc';
/** Two relying-party registrations at the same provider: one plain, one trusted for email. */
export const CLIENT_SECRET = 'oidc-test-client-secret-0f9e8d7c6b5a4938';
export const TRUSTED_CLIENT_SECRET = 'oidc-trusted-client-secret-1a2b3c4d5e6f7081';
/** light-my-request's Host is `localhost:80`; the server normalises the default port away. */
export const callbackUri = (name: string) => `http://localhost/api/auth/oidc/${name}/callback`;

export interface Flow {
  /** The provider's authorization URL the start route redirected to. */
  authorizationUrl: URL;
  /** The state, as bound to the browser by the cookie. */
  state: string;
  /** `Cookie` header value carrying the state cookie. */
  stateCookie: string;
  /** The raw Set-Cookie line of the state cookie. */
  setCookieLine: string;
}

export function expectProblem(response: LightMyRequestResponse, status: number, slug: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().type, response.body).toContain(slug);
}

/** A response that signs nobody in: no session cookie (or only one that clears it). */
export function expectNoSession(response: LightMyRequestResponse): void {
  expect(sessionTokenFrom(response) ?? '', String(sessionSetCookie(response))).toBe('');
}

/**
 * A test provider and an app that signs in through it as `test` (plain) and `trusted` (trusted
 * for email), for the tests of the calling describe. `provider` is filled in before the app
 * starts; `accounts` may be added to (or changed) by any test.
 */
export function useOidcApp() {
  const accounts: Record<string, OidcTestAccount> = {};
  const provider = {} as OidcTestProvider;
  const app = useTestApp(async () => {
    Object.assign(
      provider,
      await startOidcProvider({
        clients: [
          { clientId: 'bulwark', clientSecret: CLIENT_SECRET, redirectUris: [callbackUri('test')] },
          { clientId: 'bulwark-trusted', clientSecret: TRUSTED_CLIENT_SECRET, redirectUris: [callbackUri('trusted')] },
        ],
        accounts,
      }),
    );
    return {
      logLevel: 'debug',
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'test', issuer: provider.issuer, clientId: 'bulwark', clientSecret: CLIENT_SECRET },
          {
            name: 'trusted',
            issuer: provider.issuer,
            clientId: 'bulwark-trusted',
            clientSecret: TRUSTED_CLIENT_SECRET,
            trustedForEmail: true,
          },
        ]),
      },
    };
  });
  afterAll(async () => {
    await provider.stop?.();
  });

  /** A provider account under a fresh subject; returns the subject. */
  function account(label: string, email: string, emailVerified = true): string {
    const subject = `${label}-${Object.keys(accounts).length}`;
    accounts[subject] = { email, emailVerified, name: label };
    return subject;
  }

  async function start(name = 'test', query = '', cookie?: string): Promise<Flow> {
    const response = await app.http.inject({
      url: `/api/auth/oidc/${name}/start${query}`,
      ...(cookie ? { headers: { cookie } } : {}),
    });
    expect(response.statusCode, response.body).toBe(302);
    const setCookieLine = setCookies(response).find((line) => line.startsWith(`${STATE_COOKIE}=`));
    expect(setCookieLine).toBeDefined();
    const state = response.cookies.find((cookie) => cookie.name === STATE_COOKIE)?.value as string;
    return {
      authorizationUrl: new URL(String(response.headers.location)),
      state,
      stateCookie: `${STATE_COOKIE}=${state}`,
      setCookieLine: setCookieLine as string,
    };
  }

  /** The provider's redirect back (`callback?code=…&state=…&iss=…`) after `subject` consents. */
  async function authorize(flow: Flow, subject: string): Promise<URL> {
    return new URL(await provider.authorize(flow.authorizationUrl.href, subject));
  }

  function callback(back: URL, cookie?: string): Promise<LightMyRequestResponse> {
    return app.http.inject({ url: `${back.pathname}${back.search}`, ...(cookie ? { headers: { cookie } } : {}) });
  }

  /** The whole flow in one browser; returns the callback's response. */
  async function signInVia(name: string, subject: string, query = '', cookie?: string) {
    const flow = await start(name, query, cookie);
    const back = await authorize(flow, subject);
    return callback(back, cookie ? `${flow.stateCookie}; ${cookie}` : flow.stateCookie);
  }

  async function expectSignedIn(response: LightMyRequestResponse, location = '/') {
    if (response.statusCode !== 303) {
      console.log(app.logs.lines.filter((line) => line.includes('OIDC')).slice(-3));
    }
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(location);
    const token = sessionTokenFrom(response);
    expect(token).toBeTruthy();
    const me = await app.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token as string) } });
    expect(me.statusCode, me.body).toBe(200);
    return { token: token as string, cookie: cookieFor(token as string), me: me.json() };
  }

  const userByEmail = (email: string) =>
    app.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const identitiesOfSubject = (subject: string) =>
    app.database.db.selectFrom('oidc_identities').selectAll().where('subject', '=', subject).execute();
  const auditOf = async (type: string) => (await app.audit.listRecent(1000)).filter((entry) => entry.type === type);
  const sessionCount = async () =>
    Number(
      (
        await app.database.db
          .selectFrom('sessions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );

  return {
    app,
    provider,
    accounts,
    send: injectSend(app),
    account,
    start,
    authorize,
    callback,
    signInVia,
    expectSignedIn,
    userByEmail,
    identitiesOfSubject,
    auditOf,
    sessionCount,
  };
}
