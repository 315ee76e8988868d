import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, SESSION_COOKIE } from '../helpers/auth-client.js';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import type { Headers } from '../helpers/inject-requests.js';
import { type LoopbackClient, loopbackClient } from '../helpers/loopback-client.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Forged X-Forwarded-* and Host headers: honoured from trusted proxies only, and never the
 * origin of a mailed link (OWASP ASVS 5.0 V4.1.3, V7, V13).
 * Run as an outsider would: over HTTP, with nothing but what a client can send; CONTRACT.md
 * "Details a client can rely on" is the expected behaviour.
 */

describe('V7.x/V13 forwarded headers are honoured from trusted proxies only', () => {
  const forged = {
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-for': '203.0.113.9',
  };
  let sink: MailSink;
  let provider: OidcTestProvider;
  let direct: TestApp;
  let proxied: TestApp;
  let directUrl: string;
  let proxiedUrl: string;

  const startWith = async (extra: Record<string, string>) => {
    const instance = await createTestApp({
      logLevel: 'silent',
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          {
            name: 'test',
            issuer: provider.issuer,
            clientId: 'bulwark',
            clientSecret: 'a-long-enough-test-client-secret',
          },
        ]),
        ...extra,
      },
    });
    const url = await instance.start();
    return { instance, url };
  };

  beforeAll(async () => {
    sink = await startMailSink();
    provider = await startOidcProvider({
      clients: [
        {
          clientId: 'bulwark',
          clientSecret: 'a-long-enough-test-client-secret',
          redirectUris: ['http://localhost/api/auth/oidc/test/callback'],
        },
      ],
      accounts: {},
    });
    ({ instance: direct, url: directUrl } = await startWith({}));
    ({ instance: proxied, url: proxiedUrl } = await startWith({ BULWARK_TRUSTED_PROXIES: '127.0.0.3/32' }));
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
    await provider?.stop();
    await sink?.close();
  });

  const redirectUriOf = (location: unknown) =>
    new URL(String(location)).searchParams.get('redirect_uri') as string | null;
  const lastFailureIp = async (instance: TestApp, email: string) => {
    const entries = await instance.audit.listRecent(200, 'auth.login.failure');
    return entries.find((entry) => (entry.details as { email?: string } | null)?.email === email)?.ip;
  };
  const failSignIn = async (client: LoopbackClient) => {
    const email = uniqueEmail('nobody');
    const reply = await client.post('/api/auth/login', { email, password: 'wrong password entirely' }, forged);
    expect(reply.status, reply.text).toBe(401);
    return email;
  };
  const resetLinkFor = async (instance: TestApp, client: LoopbackClient, headers: Headers) => {
    const email = uniqueEmail('poisoned');
    await instance.auth.accounts.register({ email, password: PASSWORD, verified: true });
    const asked = await client.post('/api/auth/password/forgot', { email }, headers);
    expect(asked.status, asked.text).toBe(202);
    const mail = await sink.waitFor((m) => m.to.includes(email) && /reset/i.test(m.subject));
    const link = /https?:\/\/[^\s"<>]+\/_\/reset#/.exec(mail.text)?.[0];
    expect(link, mail.text).toBeDefined();
    return new URL(link as string);
  };

  it('from an untrusted peer (127.0.0.2) the forged headers change nothing', async () => {
    const client = loopbackClient(directUrl, '127.0.0.2');

    // request.protocol stays http: no HSTS on plain HTTP.
    const health = await client.get('/api/health', forged);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBeUndefined();

    // The OIDC redirect_uri is built from the real origin.
    const start = await client.get('/api/auth/oidc/test/start', forged);
    expect(start.status, start.text).toBe(302);
    expect(redirectUriOf(start.headers.location)).toBe(`${directUrl}/api/auth/oidc/test/callback`);

    // The audit log records the socket address, not X-Forwarded-For.
    const email = await failSignIn(client);
    expect(await lastFailureIp(direct, email)).toBe('127.0.0.2');

    // A cross-site request cannot pass the Origin check by forging the host it claims.
    const user = await browserSession(direct, client);
    const crossSite = await client.post('/api/auth/logout', undefined, {
      ...forged,
      cookie: cookieFor(user.token),
      'x-csrf-token': user.csrf,
      origin: 'https://evil.example',
    });
    expect(crossSite.status, crossSite.text).toBe(403);
    expect(crossSite.body.code).toBe('AUTH_CSRF');
  });

  it('from a trusted proxy (127.0.0.3) the same headers are honoured; other peers stay untrusted', async () => {
    const viaProxy = loopbackClient(proxiedUrl, '127.0.0.3');
    const email = await failSignIn(viaProxy);
    expect(await lastFailureIp(proxied, email)).toBe('203.0.113.9');
    const start = await viaProxy.get('/api/auth/oidc/test/start', forged);
    expect(start.status, start.text).toBe(302);
    expect(redirectUriOf(start.headers.location)).toBe('https://evil.example/api/auth/oidc/test/callback');

    const bypass = loopbackClient(proxiedUrl, '127.0.0.2');
    const other = await failSignIn(bypass);
    expect(await lastFailureIp(proxied, other)).toBe('127.0.0.2');
    const untrusted = await bypass.get('/api/auth/oidc/test/start', forged);
    expect(redirectUriOf(untrusted.headers.location)).toBe(`${proxiedUrl}/api/auth/oidc/test/callback`);
  });

  // Password-reset poisoning: were the mailed link's origin taken from the request's Host
  // header, an attacker could ask for a reset of the victim's account with `Host: evil.example`
  // and the victim would get a genuine mail whose link opens evil.example with the token in the
  // fragment. So mail needs publicUrl: without it the server refuses to start, and with it a
  // forged Host (or X-Forwarded-Host) changes nothing in the link.
  it('mailed links never take their origin from the Host header', async () => {
    await expect(createTestApp({ logLevel: 'silent', env: { BULWARK_SMTP_URL: sink.url } })).rejects.toMatchObject({
      findings: [expect.objectContaining({ id: 'mail-without-public-url' })],
    });

    const mailing = await createTestApp({
      logLevel: 'silent',
      env: { BULWARK_SMTP_URL: sink.url, BULWARK_PUBLIC_URL: 'https://app.example' },
    });
    try {
      const url = await mailing.start();
      const client = loopbackClient(url, '127.0.0.2');
      const link = await resetLinkFor(mailing, client, { host: 'evil.example', ...forged });
      expect(link.origin).toBe('https://app.example');
    } finally {
      await mailing.close();
    }
  });
});

/** A signed-in browser session on a listening app, made over loopback. */
async function browserSession(instance: TestApp, client: LoopbackClient) {
  const email = uniqueEmail('browser');
  await instance.auth.accounts.register({ email, password: PASSWORD, verified: true });
  const login = await client.post('/api/auth/login', { email, password: PASSWORD });
  expect(login.status, login.text).toBe(200);
  const line = ([] as string[])
    .concat(login.headers['set-cookie'] ?? [])
    .find((l) => l.startsWith(`${SESSION_COOKIE}=`)) as string;
  const token = decodeURIComponent(line.slice(SESSION_COOKIE.length + 1).split(';')[0] as string);
  const csrf = await client.get('/api/auth/csrf', { cookie: cookieFor(token) });
  return { token, csrf: String(csrf.body.token) };
}
