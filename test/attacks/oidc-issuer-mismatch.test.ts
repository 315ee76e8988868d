import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookies } from '../helpers/auth-client.js';
import { callbackUri, expectNoSession, expectProblem, STATE_COOKIE } from '../helpers/oidc-flow.js';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A provider whose discovery document names another issuer (an impostor): no flow starts and
 * no callback signs in (OWASP ASVS 5.0 V10.5.3).
 */

describe('OIDC provider whose discovery document names another issuer', () => {
  let app: TestApp;
  let provider: OidcTestProvider;
  const SECRET = 'impostor-client-secret-9a8b7c6d5e4f3021';

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [{ clientId: 'bulwark', clientSecret: SECRET, redirectUris: [callbackUri('impostor')] }],
      accounts: { alice: { email: 'alice@example.com', emailVerified: true } },
      issuerOverride: 'https://accounts.example.com',
    });
    app = await createTestApp({
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'impostor', issuer: provider.issuer, clientId: 'bulwark', clientSecret: SECRET },
        ]),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('answers start with 503 oidc-unavailable', async () => {
    // Before 0ca0dff this 5xx code lacked `expose: true` and was shown as a generic 500.
    const response = await app.http.inject({ url: '/api/auth/oidc/impostor/start' });
    expectProblem(response, 503, 'oidc-unavailable');
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('starts no flow, every time, and no callback signs in', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await app.http.inject({ url: '/api/auth/oidc/impostor/start?next=/x' });
      expectProblem(response, 503, 'oidc-unavailable');
      expect(response.headers.location).toBeUndefined();
      expect(setCookies(response).some((line) => line.startsWith(STATE_COOKIE))).toBe(false);
    }
    expect(await app.database.db.selectFrom('oidc_flows').selectAll().execute()).toEqual([]);
    expect(app.logs.text).toContain('discovered metadata issuer does not match the expected issuer');

    const response = await app.http.inject({
      url: '/api/auth/oidc/impostor/callback?code=abc&state=forged-state-value&iss=https%3A%2F%2Faccounts.example.com',
      headers: { cookie: `${STATE_COOKIE}=forged-state-value` },
    });
    expectProblem(response, 401, 'oidc-failed');
    expectNoSession(response);
    expect(await app.database.db.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(app.logs.text).not.toContain(SECRET);
  });
});
