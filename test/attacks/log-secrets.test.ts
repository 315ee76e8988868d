import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPipelineRoutes } from '../helpers/pipeline-routes.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ logLevel: 'trace' });
  addPipelineRoutes(app);
  await app.http.ready();
});
afterAll(() => app.close());

const SECRETS = {
  password: 'CorrectHorseBatteryStaple-91',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWFjY2Vzcy10b2tlbg.sig123456',
  cookie: 'sess-7f9a8b6c5d4e3f2a1b0c',
  apiKey: 'bwk_3q2+7w8e9r0t1y2u3i4o5p6a7s8d9f0g',
  resetToken: 'reset-token-value-0123456789abcdef',
  clientSecret: 'oidc-client-secret-zyxwvu',
};

describe('secrets never reach the log', () => {
  it('redacts headers, cookies, query tokens and body fields at every depth, even in error causes', async () => {
    await app.http.inject({
      method: 'POST',
      url: `/api/test/fail?token=${SECRETS.resetToken}&page=2`,
      headers: {
        cookie: `__Host-bulwark_session=${SECRETS.cookie}`,
        'x-api-key': SECRETS.apiKey,
      },
      payload: {
        email: 'user@example.com',
        password: SECRETS.password,
        nested: { deeper: [{ client_secret: SECRETS.clientSecret, note: SECRETS.apiKey }] },
      },
    });
    await app.http.inject({ url: `/unknown?access_token=${SECRETS.bearer}` });
    // A bearer credential the server does not know is refused (401) and still never logged.
    await app.http.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${SECRETS.bearer}` } });
    await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@b.example', password: SECRETS.password },
    });
    await app.http.inject({ method: 'POST', url: '/api/test/echo', payload: { name: SECRETS.apiKey } });

    expect(app.logs.lines.length).toBeGreaterThan(3);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(app.logs.text, `${name} leaked into the log`).not.toContain(secret);
    }
    // Redaction keeps the evidence an operator needs: where, what and which request.
    expect(app.logs.text).toContain('[REDACTED]');
    expect(app.logs.text).toContain('page=2');
    expect(app.logs.text).toContain('user@example.com');
  });

  it('writes one JSON object per line', () => {
    for (const line of app.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
