import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom, SESSION_COOKIE } from '../helpers/auth-client.js';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A token endpoint that hands back a forged ID token (ASVS V9.1.1, V9.1.2, V6.8.2): openid-client
 * would accept an unsigned-checked token straight from the token endpoint over TLS, so Bulwark
 * turns on its signature checks; a token whose signature does not verify, or that claims no
 * signature at all (`alg: none`), signs nobody in and creates no account.
 */
const SECRET = 'a-long-enough-test-client-secret';
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const forgeries: Record<string, (idToken: string) => string> = {
  // Another subject and email, the original signature kept.
  'a changed payload under the original signature': (idToken) => {
    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return [header, b64({ ...claims, sub: 'mallory', email: 'victim@example.com' }), signature].join('.');
  },
  'an unsigned token (alg none)': (idToken) => {
    const payload = idToken.split('.')[1] as string;
    return [b64({ alg: 'none', typ: 'JWT' }), payload, ''].join('.');
  },
};

describe.each(Object.entries(forgeries))('an ID token with %s', (name, tamper) => {
  let provider: OidcTestProvider;
  let app: TestApp;
  const providerName = name.startsWith('an unsigned') ? 'unsigned' : 'forged';

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [
        {
          clientId: 'bulwark',
          clientSecret: SECRET,
          redirectUris: [`http://localhost/api/auth/oidc/${providerName}/callback`],
        },
      ],
      accounts: { alice: { email: 'alice@example.com', emailVerified: true } },
      tamperIdToken: tamper,
    });
    app = await createTestApp({
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: providerName, issuer: provider.issuer, clientId: 'bulwark', clientSecret: SECRET },
        ]),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('is refused: 401, no session cookie, no account, no identity', async () => {
    const start = await app.http.inject({ method: 'GET', url: `/api/auth/oidc/${providerName}/start` });
    expect(start.statusCode, start.body).toBe(302);
    const stateCookie = cookieHeaderFrom(start, '__Host-bulwark_oidc') as string;
    const back = new URL(await provider.authorize(String(start.headers.location), 'alice'));
    const callback = await app.http.inject({
      method: 'GET',
      url: `${back.pathname}${back.search}`,
      headers: { cookie: stateCookie },
    });
    expect(callback.statusCode, callback.body).toBe(401);
    expect(callback.json().type).toMatch(/oidc-failed$/);
    expect(String(callback.headers['set-cookie'] ?? '')).not.toContain(`${SESSION_COOKIE}=`);
    const users = await app.database.db.selectFrom('users').select('email').execute();
    expect(users.map((u) => u.email)).not.toContain('alice@example.com');
    expect(users.map((u) => u.email)).not.toContain('victim@example.com');
    expect(await app.database.db.selectFrom('oidc_identities').selectAll().execute()).toEqual([]);
    const failures = await app.audit.listRecent(10, 'auth.oidc.failure');
    expect(failures.length).toBeGreaterThan(0);
  });
});
