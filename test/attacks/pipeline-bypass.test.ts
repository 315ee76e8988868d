import { beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, rawExchange } from '../helpers/raw-http.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Requests that fail before a route is found (a bad percent-encoding, an over-long path
 * parameter), in Node's own parser, or on a bad Host header, over a real socket: `app.inject`
 * skips the parser and these paths. Every answer must still be ours: problem+json with our
 * code, the security headers, a request id, and nothing of the input echoed back.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};
/** An OIDC provider that is configured but never reached: the Host check comes first. */
const UNREACHABLE_ISSUER = 'http://127.0.0.1:9';
const LONG_ID = 'A'.repeat(3000);

function expectOurs(answer: RawAnswer, status: number, code: string): Record<string, unknown> {
  expect(answer.status, answer.raw.slice(0, 500)).toBe(status);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers[name], name).toBe(value);
  expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(answer.raw).not.toMatch(/FST_|fastify|ERR_INVALID_URL|TypeError/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, requestId: answer.headers['x-request-id'] });
  return body;
}

describe('answers that skip the routes still go through the pipeline', () => {
  let port: number;

  const app = useTestApp({
    logLevel: 'silent',
    env: {
      BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
        {
          name: 'corp',
          issuer: UNREACHABLE_ISSUER,
          clientId: 'bulwark',
          clientSecret: 'a-client-secret-long-enough-42',
        },
      ]),
    },
  });
  beforeAll(async () => {
    port = Number(new URL(await app.start()).port);
  });

  const get = (path: string, extra = 'Host: localhost\r\n', method = 'GET') =>
    rawExchange(port, `${method} ${path} HTTP/1.1\r\n${extra}Connection: close\r\n\r\n`);

  it('an invalid percent-encoding in the path is a 400 of ours, without the path echoed', async () => {
    for (const path of ['/api/collections/%FF/records', '/api/collections/c/records/%E0%A4%A', '/api/%ZZ']) {
      const answer = await get(path);
      expectOurs(answer, 400, 'HTTP_BAD_REQUEST');
      expect(answer.raw).not.toContain(path);
    }
  });

  it('a path parameter over the length limit is a 414 of ours, without the path echoed', async () => {
    const answer = await get(`/api/collections/c/records/${LONG_ID}`);
    expectOurs(answer, 414, 'HTTP_URI_TOO_LONG');
    expect(answer.raw).not.toContain('AAAAAAAAAA');
    expect(Buffer.byteLength(answer.raw)).toBeLessThan(2048);
  });

  it('a HEAD that fails before routing gets the headers and no body', async () => {
    for (const path of ['/api/collections/%FF/records', `/api/collections/c/records/${LONG_ID}`]) {
      const answer = await get(path, 'Host: localhost\r\n', 'HEAD');
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
      expect(answer.body).toBe('');
    }
  });

  it("Node's parser errors are problem+json with the headers, and a HEAD among them gets no body", async () => {
    const malformed = 'Host: localhost\r\nBad Header Line\r\n';
    expectOurs(await get('/api/health', malformed), 400, 'HTTP_BAD_REQUEST');
    const head = await get('/api/health', malformed, 'HEAD');
    expect(head.status).toBe(400);
    expect(head.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(head.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
    // Nothing may follow the blank line: a client would read it as the start of the next answer.
    expect(head.body).toBe('');
    const overflow = await get('/api/health', `Host: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n`, 'HEAD');
    expect(overflow.status).toBe(431);
    expect(overflow.body).toBe('');
  });

  it('an unknown Expect is served through the pipeline, not with a bare 417', async () => {
    const answer = await get('/api/health', 'Host: localhost\r\nExpect: the-unexpected\r\n');
    expect(answer.status, answer.raw.slice(0, 300)).toBe(200);
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
  });

  describe('the OIDC callback refuses a missing or malformed Host with 400', () => {
    const CASES = [
      ['an empty Host', 'HTTP/1.1', 'Host: \r\n'],
      ['a Host with a space', 'HTTP/1.1', 'Host: exa mple.com\r\n'],
      ['a Host with a path', 'HTTP/1.1', 'Host: example.com/evil\r\n'],
      ['a Host with user info', 'HTTP/1.1', 'Host: user@example.com\r\n'],
      ['a Host with a bad port', 'HTTP/1.1', 'Host: example.com:99999999\r\n'],
      ['HTTP/1.0 without any Host', 'HTTP/1.0', ''],
    ] as const;
    for (const provider of ['corp', 'unknown']) {
      it.each(CASES)(`${provider} provider: %s`, async (_name, version, host) => {
        const answer = await rawExchange(
          port,
          `GET /api/auth/oidc/${provider}/callback?code=abc&state=def ${version}\r\n${host}Connection: close\r\n\r\n`,
        );
        const body = expectOurs(answer, 400, 'HTTP_BAD_HOST');
        expect(JSON.stringify(body)).not.toContain('exa mple');
      });
    }

    it('passkey options refuse it too, rather than offer a relying party named after it', async () => {
      for (const host of ['Host: \r\n', 'Host: exa mple.com\r\n', '']) {
        const answer = await rawExchange(
          port,
          `POST /api/auth/webauthn/login/options HTTP/1.0\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
        );
        expectOurs(answer, 400, 'HTTP_BAD_HOST');
      }
    });

    it('the start route refuses it the same way', async () => {
      const answer = await rawExchange(port, 'GET /api/auth/oidc/corp/start HTTP/1.0\r\n\r\n');
      expectOurs(answer, 400, 'HTTP_BAD_HOST');
    });

    it('a health check over HTTP/1.0 without Host is still served', async () => {
      const answer = await rawExchange(port, 'GET /api/health HTTP/1.0\r\n\r\n');
      expect(answer.status).toBe(200);
    });

    it('an HTTP/1.1 request without Host is a 400 of ours (RFC 9112), not a bare one from Node', async () => {
      expectOurs(await get('/api/health', ''), 400, 'HTTP_BAD_HOST');
      const head = await get('/api/health', '', 'HEAD');
      expect(head.status).toBe(400);
      expect(head.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(head.body).toBe('');
    });
  });
});
