import { describe, expect, it } from 'vitest';
import { newSecret, TOKEN_PREFIX } from '../../src/lib/crypto/token-hasher.js';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { addPipelineRoutes } from '../helpers/pipeline-routes.js';
import { useTestApp } from '../helpers/test-app.js';

const app = useTestApp({ logLevel: 'trace' }, addPipelineRoutes);

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

  // Our tokens carry a prefix (bwa_ access, bwr_ refresh, bwk_ API key) so that they can be
  // found wherever they land: inside a longer string, a message, a URL path or query, after
  // `=`, `:` or a quote, not only as a whole value under a secret-looking key.
  it('redacts real access and refresh tokens embedded in free text, messages, paths and queries', async () => {
    const email = uniqueEmail('leaky');
    await app.auth.accounts.register({ email, password: PASSWORD, verified: true });
    const signedIn = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { email, password: PASSWORD },
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const { accessToken, refreshToken } = signedIn.json() as { accessToken: string; refreshToken: string };
    expect(accessToken).toMatch(/^bwa_/);
    expect(refreshToken).toMatch(/^bwr_/);
    const tokens = { accessToken, refreshToken };
    const before = app.logs.lines.length;

    // In a URL path, and inside query values whose names look harmless.
    await app.http.inject({ url: `/api/no-such-route/${refreshToken}` });
    await app.http.inject({ url: `/api/health?next=${encodeURIComponent(`https://app.example/cb?t=${accessToken}`)}` });
    await app.http.inject({ url: `/api/health?filter=${encodeURIComponent(`note="${refreshToken}"`)}&page=3` });
    // In free text inside a body and a header that an error's cause carries into the log.
    await app.http.inject({
      method: 'POST',
      url: '/api/test/fail',
      headers: { 'x-debug': `refresh=${refreshToken}; access:${accessToken}` },
      payload: { note: `my token is '${accessToken}', please help`, list: [`"${refreshToken}"`] },
    });
    // In the message itself, and in an error's message (pino makes it the line's msg).
    app.http.log.warn(`client pasted ${refreshToken} into a support form`);
    app.http.log.error(new Error(`cannot parse token:${accessToken}`));
    app.http.log.info({ detail: `Authorization=Bearer ${accessToken}` }, 'header seen as %s', `x=${refreshToken}`);

    const written = app.logs.lines.slice(before).join('\n');
    for (const [name, token] of Object.entries(tokens)) {
      expect(written, `${name} leaked into the log`).not.toContain(token);
      // Not even the random part: a prefix-less copy is as good as the token.
      expect(written, `${name}'s secret part leaked into the log`).not.toContain(token.slice(4));
    }
    // Only the token goes: the text around it stays for the operator.
    expect(written).toContain('client pasted [REDACTED] into a support form');
    expect(written).toContain('cannot parse token:[REDACTED]');
    expect(written).toContain('/api/no-such-route/[REDACTED]');
    expect(written).toContain('page=3');
  });

  it('knows every token prefix the server issues', () => {
    const before = app.logs.lines.length;
    const secrets = Object.values(TOKEN_PREFIX).map((prefix) => newSecret(prefix));
    for (const secret of secrets) app.http.log.info(`seen=${secret}`);
    const written = app.logs.lines.slice(before).join('\n');
    for (const secret of secrets) expect(written).not.toContain(secret.slice(4));
    expect(written.match(/seen=\[REDACTED\]/g)).toHaveLength(secrets.length);
  });

  it('writes one JSON object per line', () => {
    for (const line of app.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
