import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom, sessionTokenFrom, setCookies } from '../helpers/auth-client.js';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const STATE_COOKIE = '__Host-bulwark_oidc';
const CLIENT_SECRET = 'open-redirect-test-client-secret-5e6f7a8b';
const CALLBACK = 'http://localhost/api/auth/oidc/test/callback';
const OWN_ORIGIN = 'http://localhost';

/**
 * Targets the server must refuse, as the server sees them (sent percent-encoded, so the query
 * parser hands the handler exactly this string).
 */
const REFUSED = [
  '//evil.example',
  '///evil.example',
  '////evil.example',
  'https:evil.example',
  'http:/evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '/\\/evil.example',
  'https://evil.example',
  'https://evil.example/app/x',
  'https://evil.example@localhost',
  'http://evil.example@localhost/welcome',
  'https://allowed.example@evil.example/app/x',
  'https://localhost.evil.example',
  'https://allowed.example.evil.example',
  'https://allowed.example.evil.example/app/x',
  'http://allowed.example/app/x',
  'https://allowed.example:8443/app/x',
  'javascript:alert(1)',
  'data:text/html,x',
  // A double-encoded `%2F%2Fevil.example` arrives like this: neither a path nor absolute.
  '%2F%2Fevil.example',
  '%2f%2fevil.example',
  // Tabs and newlines that browsers strip from URLs.
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  ' //evil.example',
  // Outside the allow-listed prefix `https://allowed.example/app/`.
  'https://allowed.example/other',
  'https://allowed.example/',
  'https://allowed.example/apps',
  'https://allowed.example/app/../other',
  'https://allowed.example/app/%2e%2e/other',
  // Upper-case schemes.
  'HTTPS://evil.example',
  'HTTPS:evil.example',
  'HtTp:/evil.example',
  'JAVASCRIPT:alert(1)',
  'DATA:text/html,x',
  'HTTPS://ALLOWED.EXAMPLE/OTHER',
  // This server reached by an absolute URL is not on the list; a path reaches it.
  'http://localhost/welcome',
];

/**
 * Query strings sent as they are (not encoded again): what the server sees is their decoding,
 * e.g. `%2F%2Fevil.example` arrives as `//evil.example` and `/%09/evil.example` as `/\t/…`.
 */
const REFUSED_RAW = [
  '//evil.example',
  '%2F%2Fevil.example',
  '%2f%2Fevil.example',
  '/%2Fevil.example',
  '%2F/evil.example',
  '/%5Cevil.example',
  '%5C/evil.example',
  '/%09/evil.example',
  '/%0a/evil.example',
  '/%0D%0A/evil.example',
  '%09//evil.example',
  '%20//evil.example',
  'https:evil.example',
  'https://evil.example',
  'https%3A%2F%2Fevil.example',
  'javascript:alert(1)',
  'javascript%3Aalert(1)',
  'https://allowed.example%2Eevil.example/app/x',
  'https://allowed.example/app/..%2Fother',
];

const ACCEPTED: Array<[string, string]> = [
  ['/welcome', `${OWN_ORIGIN}/welcome`],
  ['/a/b?c=d', `${OWN_ORIGIN}/a/b?c=d`],
  ['https://allowed.example/app/x', 'https://allowed.example/app/x'],
  ['https://allowed.example/app/x?y=z#w', 'https://allowed.example/app/x?y=z#w'],
];

describe('open redirects through OIDC sign-in (?next=)', () => {
  let provider: OidcTestProvider;
  /** Allow-list with a path prefix: `https://allowed.example/app/`. */
  let app: TestApp;
  /** Allow-list with a whole origin: `https://allowed.example`. */
  let rootApp: TestApp;

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [{ clientId: 'bulwark', clientSecret: CLIENT_SECRET, redirectUris: [CALLBACK] }],
      accounts: { alice: { email: 'alice@example.com', emailVerified: true, name: 'Alice' } },
    });
    const appWith = async (allowed: string) => {
      const created = await createTestApp({
        env: {
          BULWARK_AUTH_REDIRECTS_ALLOWED: allowed,
          ...provider.outboundEnv,
          BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
            { name: 'test', issuer: provider.issuer, clientId: 'bulwark', clientSecret: CLIENT_SECRET },
          ]),
        },
      });
      return created;
    };
    app = await appWith('https://other.example,https://allowed.example/app/');
    rootApp = await appWith('https://allowed.example');
  });
  afterAll(async () => {
    await app?.close();
    await rootApp?.close();
    await provider?.stop();
  });

  const flowCount = async (target: TestApp) =>
    (await target.database.db.selectFrom('oidc_flows').selectAll().execute()).length;

  async function expectRefused(target: TestApp, query: string): Promise<void> {
    const before = await flowCount(target);
    const response = await target.http.inject({ url: `/api/auth/oidc/test/start?${query}` });
    expect(response.statusCode, `${query} -> ${response.statusCode} ${response.headers.location ?? ''}`).toBe(400);
    expect(response.json().type, response.body).toContain('redirect-not-allowed');
    expect(response.headers.location).toBeUndefined();
    expect(setCookies(response).some((line) => line.startsWith(STATE_COOKIE))).toBe(false);
    expect(await flowCount(target)).toBe(before);
  }

  /** Start with `query`, sign in at the provider, and return the callback's response. */
  async function completeFlow(target: TestApp, query: string, tamperCallback?: (url: URL) => void) {
    const start = await target.http.inject({ url: `/api/auth/oidc/test/start?${query}` });
    expect(start.statusCode, start.body).toBe(302);
    const back = new URL(await provider.authorize(String(start.headers.location), 'alice'));
    tamperCallback?.(back);
    return target.http.inject({
      url: `${back.pathname}${back.search}`,
      headers: { cookie: cookieHeaderFrom(start, STATE_COOKIE) as string },
    });
  }

  it.each(REFUSED)('refuses %j', async (payload) => {
    await expectRefused(app, `next=${encodeURIComponent(payload)}`);
  });

  it.each(REFUSED_RAW)('refuses the raw query next=%s', async (raw) => {
    await expectRefused(app, `next=${raw}`);
  });

  it('refuses a host that merely starts with an allow-listed origin', async () => {
    for (const payload of [
      'https://allowed.example.evil.example',
      'https://allowed.example.evil.example/',
      'HTTPS://ALLOWED.EXAMPLE.EVIL.EXAMPLE/x',
      'https://allowed.example@evil.example',
      'https://allowed.exampleevil.example',
    ]) {
      await expectRefused(rootApp, `next=${encodeURIComponent(payload)}`);
    }
  });

  it('refuses a link flow with a bad target before asking for a session', async () => {
    await expectRefused(app, `link=true&next=${encodeURIComponent('//evil.example')}`);
  });

  it('refuses a repeated next= (parameter pollution) without starting a flow', async () => {
    const before = await flowCount(app);
    for (const query of ['next=/welcome&next=//evil.example', 'next=//evil.example&next=/welcome']) {
      const response = await app.http.inject({ url: `/api/auth/oidc/test/start?${query}` });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers.location).toBeUndefined();
    }
    expect(await flowCount(app)).toBe(before);
  });

  it('a double-encoded tab or slash is only a path on this server', async () => {
    // `/%2509/evil.example` arrives as `/%09/evil.example`: an escaped tab inside a path here.
    for (const raw of ['/%2509/evil.example', '/%252F%252Fevil.example']) {
      const response = await completeFlow(app, `next=${raw}`);
      expect(response.statusCode, response.body).toBe(303);
      expect(new URL(String(response.headers.location)).origin).toBe(OWN_ORIGIN);
    }
  });

  it.each(ACCEPTED)('accepts %j and, after signing in, redirects (303) to %s', async (payload, expected) => {
    const response = await completeFlow(app, `next=${encodeURIComponent(payload)}`);
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(expected);
    expect(sessionTokenFrom(response)).toBeTruthy();
  });

  it('with a whole origin allowed, any path there is accepted', async () => {
    const response = await completeFlow(rootApp, `next=${encodeURIComponent('https://allowed.example/any/path')}`);
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe('https://allowed.example/any/path');
  });

  it('the callback redirects to the target stored at start, not to one added to its URL', async () => {
    const response = await completeFlow(app, 'next=/welcome', (back) => {
      back.searchParams.set('next', 'https://evil.example');
    });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`${OWN_ORIGIN}/welcome`);
    const none = await completeFlow(app, '', (back) => back.searchParams.set('next', '//evil.example'));
    expect(none.statusCode, none.body).toBe(303);
    expect(none.headers.location).toBe('/');
  });
});
