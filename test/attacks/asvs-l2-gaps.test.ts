import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PATTERN_TERMS } from '../../src/features/rules/index.js';
import { cookieFor, csrfTokenFor, me, SESSION_COOKIE, sessionTokenFrom, setCookies } from '../helpers/auth-client.js';
import {
  type Account,
  bearer,
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  PASSWORD,
  rawRow,
  recordsApi,
  uniqueEmail,
  uniqueName,
} from '../helpers/collections-client.js';
import { type LoopbackClient, loopbackClient } from '../helpers/loopback-client.js';
import { type MailSink, type ReceivedMail, startMailSink } from '../helpers/mail-sink.js';
import { enrolTotp, type Send, totpCode } from '../helpers/mfa-client.js';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp, testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * OWASP ASVS 5.0 level 2 requirements that earlier attack files left open, run as an outsider
 * would run them: over HTTP, with nothing but what a client can send. Each describe names the
 * requirement; CONTRACT.md "Details a client can rely on" is the expected behaviour.
 */

const NEW_PASSWORD = 'another unusual passphrase 1984';
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

type Headers = Record<string, string>;

const sendFor =
  (app: TestApp): Send =>
  async (method, path, headers, payload) => {
    const response = await app.http.inject({
      method: method as 'POST',
      url: path,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : {}, text: response.body };
  };

// No retry on 503 anywhere in this file: test apps run without load shedding, and 503
// HTTP_UNAVAILABLE is also how the abuse guard fails closed, which a retry would hide.
const post = (app: TestApp, url: string, payload: object | undefined, headers: Headers = {}) =>
  app.http.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
const get = (app: TestApp, url: string, headers: Headers = {}) => app.http.inject({ method: 'GET', url, headers });

async function tokens(app: TestApp, email: string, password = PASSWORD, code?: string) {
  const response = await post(app, '/api/auth/token', { email, password, ...(code ? { code } : {}) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { accessToken: string; refreshToken?: string; mfaRequired: boolean };
}

/** A verified plain user with TOTP enrolled (its confirmation spent the current step). */
async function enrolledUser(app: TestApp, label: string) {
  const email = uniqueEmail(label);
  const user = await app.auth.accounts.register({ email, password: PASSWORD, verified: true });
  const pending = await tokens(app, email);
  const enrolled = await enrolTotp(sendFor(app), bearer(pending.accessToken));
  return { id: user.id, email, ...enrolled };
}

const app = useTestApp({ logLevel: 'silent' });

describe(`V8.2.3 self-promotion: a user cannot change their own role, verified, disabled or email (${testDialect()})`, () => {
  it('refuses every route an outsider can try and leaves the user row unchanged', async () => {
    const user = await newUser(app, 'climber');
    const before = await rawRow(app, 'users', user.id);
    const promote = { role: 'admin', verified: 1, disabled: 0, email: uniqueEmail('stolen') };

    // users is not a records collection: nothing to PATCH or create there.
    const patched = await app.http.inject({
      method: 'PATCH',
      url: `/api/collections/users/records/${user.id}`,
      headers: user.headers,
      payload: promote,
    });
    expectProblem(patched, 404);
    expectProblem(await post(app, '/api/collections/users/records', { id: user.id, ...promote }, user.headers), 404);

    // The administrators' user route is not open to a user, even on themselves.
    const adminPatch = await app.http.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: user.headers,
      payload: { role: 'admin' },
    });
    expect(adminPatch.statusCode, adminPatch.body).toBe(403);

    // Extra fields at registration: 400 naming them, and no account is created.
    const email = uniqueEmail('registrant');
    const registered = await post(app, '/api/auth/register', {
      email,
      password: PASSWORD,
      role: 'admin',
      verified: true,
      disabled: false,
    });
    expectProblem(registered, 400);
    // Validation stops at the first unknown field (bounded work and answer): it names that one.
    expect(errorFields(registered)).toEqual(['role']);
    expect(await app.auth.accounts.findByEmail(email)).toBeUndefined();

    // Extra fields on a password change: 400, the password stays.
    const change = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, ...promote },
      user.headers,
    );
    expectProblem(change, 400);
    expect(errorFields(change)).toEqual(['role']);

    expect(await rawRow(app, 'users', user.id)).toEqual(before);
    const profile = await get(app, '/api/auth/me', user.headers);
    expect(profile.statusCode).toBe(200);
    expect(profile.json().user).toMatchObject({ id: user.id, email: user.email, role: 'user' });
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('a collection anyone may update still refuses id, created and updated in the body (400, row unchanged)', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'editor');
    const name = uniqueName('wiki');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '', view: '', create: '', update: '', delete: null },
    });
    const record = await createRecord(app, name, user.headers, { title: 'original' });
    const before = await rawRow(app, `c_${name}`, record.id);

    for (const body of [
      { title: 'x', id: 'forged-id-0000' },
      { title: 'x', created: '2000-01-01T00:00:00.000Z' },
      { title: 'x', updated: '2000-01-01T00:00:00.000Z' },
      { id: 'forged-id-0000', created: '2000-01-01T00:00:00.000Z', updated: '2000-01-01T00:00:00.000Z' },
    ]) {
      for (const headers of [user.headers, undefined]) {
        const response = await recordsApi(app, name).update(headers, record.id, body);
        expectProblem(response, 400);
        expect(errorFields(response).length).toBeGreaterThan(0);
      }
    }
    const forgedCreate = await recordsApi(app, name).create(user.headers, { title: 'y', id: 'chosen-id-0001' });
    expectProblem(forgedCreate, 400);
    expect(await rawRow(app, `c_${name}`, 'chosen-id-0001')).toBeUndefined();
    expect(await rawRow(app, `c_${name}`, record.id)).toEqual(before);
  });
});

describe('V6.2.2/V6.2.3 password change', () => {
  it('needs the current password: missing → 400, wrong → 401 and nothing changes', async () => {
    const user = await newUser(app, 'changer');
    const missing = await post(app, '/api/auth/password/change', { newPassword: NEW_PASSWORD }, user.headers);
    expectProblem(missing, 400);
    expect(errorFields(missing)).toContain('currentPassword');

    const wrong = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: 'not the right password at all', newPassword: NEW_PASSWORD },
      user.headers,
    );
    expectProblem(wrong, 401, 'AUTH_INVALID_CREDENTIALS');
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
    expect((await post(app, '/api/auth/token', { email: user.email, password: NEW_PASSWORD })).statusCode).toBe(401);
    // The calling session survives a wrong attempt.
    expect((await get(app, '/api/auth/me', user.headers)).statusCode).toBe(200);
  });

  it('refuses a weak or breached new password with 400 naming the reason', async () => {
    const user = await newUser(app, 'weakling');
    for (const newPassword of ['password1234', 'short', user.email]) {
      const response = await post(
        app,
        '/api/auth/password/change',
        { currentPassword: PASSWORD, newPassword },
        user.headers,
      );
      expectProblem(response, 400, 'AUTH_WEAK_PASSWORD');
      const [error] = response.json().errors as Array<{ field: string; code: string; message: string }>;
      expect(error?.code, newPassword).toMatch(/^[a-z_]+$/);
      expect(error?.message.length).toBeGreaterThan(0);
    }
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(200);
  });

  it('the weak-password error names the body field that was refused (`newPassword`)', async () => {
    const user = await newUser(app, 'fieldname');
    const response = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: 'password1234' },
      user.headers,
    );
    expectProblem(response, 400, 'AUTH_WEAK_PASSWORD');
    // CONTRACT: "400 malformed or invalid input (`errors[]` names fields)". The body has no
    // `password` field; a client mapping errors to its form inputs needs `newPassword`.
    expect(errorFields(response), 'BUG: password/change names `password`, a field its body does not have').toEqual([
      'newPassword',
    ]);
  });

  it('ends every other session (cookie and bearer family) and keeps the calling one', async () => {
    const user = await newUser(app, 'rotator');
    const other = await tokens(app, user.email);
    const cookieLogin = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const cookieToken = sessionTokenFrom(cookieLogin) as string;

    const changed = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      user.headers,
    );
    expect(changed.statusCode, changed.body).toBe(204);

    expect((await get(app, '/api/auth/me', user.headers)).statusCode).toBe(200);
    expect((await get(app, '/api/auth/me', bearer(other.accessToken))).statusCode).toBe(401);
    expect((await post(app, '/api/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await me(app, cookieToken)).statusCode).toBe(401);
    expect((await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })).statusCode).toBe(401);
    expect((await post(app, '/api/auth/token', { email: user.email, password: NEW_PASSWORD })).statusCode).toBe(200);
  });
});

describe('V6.4.3 a password reset never bypasses the second factor', () => {
  let sink: MailSink;
  let mailApp: TestApp;
  beforeAll(async () => {
    sink = await startMailSink();
    mailApp = await createTestApp({
      logLevel: 'silent',
      env: { BULWARK_SMTP_URL: sink.url, BULWARK_PUBLIC_URL: 'https://app.example' },
    });
  });
  afterAll(async () => {
    await mailApp?.close();
    await sink?.close();
  });

  it('ends every session, signs nobody in, and the next sign-in still asks for the factor', async () => {
    const user = await enrolledUser(mailApp, 'reset-mfa');
    const full = await tokens(mailApp, user.email, PASSWORD, totpCode(user.secret, 1));
    expect(full.mfaRequired).toBe(false);
    const pendingCookie = sessionTokenFrom(
      await post(mailApp, '/api/auth/login', { email: user.email, password: PASSWORD }),
    ) as string;

    expect((await post(mailApp, '/api/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
    const mail: ReceivedMail = await sink.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject));
    // The token travels in the fragment: never sent to a server, a proxy or a log.
    const link = /https:\/\/app\.example\/_\/reset[^\s"<>]*/.exec(mail.text)?.[0] as string;
    expect(link, mail.text).toBeDefined();
    const url = new URL(link);
    expect(url.search).toBe('');
    expect(url.hash.length).toBeGreaterThan(20);
    expect(mail.text).not.toMatch(/[?&]token=/);
    expect(mail.html).not.toMatch(/[?&]token=/);
    const token = decodeURIComponent(url.hash.slice(1));

    const reset = await post(mailApp, '/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.statusCode, reset.body).toBe(204);
    expect(setCookies(reset)).toEqual([]);
    expect(reset.body).toBe('');

    expect((await get(mailApp, '/api/auth/me', bearer(full.accessToken))).statusCode).toBe(401);
    expect((await post(mailApp, '/api/auth/refresh', { refreshToken: full.refreshToken })).statusCode).toBe(401);
    expect((await me(mailApp, pendingCookie)).statusCode).toBe(401);

    const login = await post(mailApp, '/api/auth/login', { email: user.email, password: NEW_PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().mfaRequired).toBe(true);
    const pending = await tokens(mailApp, user.email, NEW_PASSWORD);
    expect(pending.mfaRequired).toBe(true);
    expect(pending.refreshToken).toBeUndefined();
    expectProblem(await get(mailApp, '/api/auth/sessions', bearer(pending.accessToken)), 401, 'AUTH_MFA_REQUIRED');
  });
});

describe('V7.2.4 the session id changes at the second step and at step-up; old ids die', () => {
  it('cookie: /api/auth/mfa/verify and /api/auth/reauth each issue a new id', async () => {
    const user = await enrolledUser(app, 'fixation');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    expect(login.json().mfaRequired).toBe(true);
    const pending = sessionTokenFrom(login) as string;

    const verified = await post(
      app,
      '/api/auth/mfa/verify',
      { code: totpCode(user.secret, 1) },
      {
        cookie: cookieFor(pending),
        'x-csrf-token': await csrfTokenFor(app, pending),
      },
    );
    expect(verified.statusCode, verified.body).toBe(200);
    const full = sessionTokenFrom(verified) as string;
    expect(full).toBeTruthy();
    expect(full).not.toBe(pending);
    expect((await me(app, pending)).statusCode).toBe(401);
    expect((await me(app, full)).statusCode).toBe(200);

    const reauth = await post(
      app,
      '/api/auth/reauth',
      { password: PASSWORD },
      {
        cookie: cookieFor(full),
        'x-csrf-token': await csrfTokenFor(app, full),
      },
    );
    expect(reauth.statusCode, reauth.body).toBe(200);
    const stepped = sessionTokenFrom(reauth) as string;
    expect(stepped).toBeTruthy();
    expect(stepped).not.toBe(full);
    expect((await me(app, full)).statusCode).toBe(401);
    expect((await me(app, pending)).statusCode).toBe(401);
    const now = await me(app, stepped);
    expect(now.statusCode).toBe(200);
    expect(now.json().mfaRequired).toBe(false);
  });
});

describe('V1.2.2/V5 `url` fields hold http and https only', () => {
  it('refuses javascript:, data:, vbscript: in any spelling; accepts https', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'linker');
    const name = uniqueName('links');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'link', type: 'url' }],
      rules: { list: '', view: '', create: '@request.auth.id != ""', update: '@request.auth.id != ""' },
    });
    const links = recordsApi(app, name);
    const hostile = [
      'javascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      '\u0000javascript:alert(1)',
      'file:///etc/passwd',
      '//evil.example/x',
    ];
    for (const link of hostile) {
      const response = await links.create(user.headers, { link });
      expectProblem(response, 400);
      expect(errorFields(response), JSON.stringify(link)).toEqual(['link']);
    }
    const ok = await createRecord(app, name, user.headers, { link: 'https://ok.example' });
    expect(ok.link).toBe('https://ok.example');
    for (const link of hostile.slice(0, 6)) {
      expectProblem(await links.update(user.headers, ok.id, { link }), 400);
    }
    expect((await rawRow(app, `c_${name}`, ok.id))?.link).toBe('https://ok.example');
  });
});

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

describe('V8.3.x `~` operands are literal, and hostile filters are bounded', () => {
  let admin: Account;
  beforeAll(async () => {
    admin = await newAdmin(app);
  });

  const titlesFor = async (name: string, filter: string) => {
    const response = await recordsApi(app, name).list(undefined, { filter, perPage: 100 });
    expect(response.statusCode, `${filter}: ${response.body}`).toBe(200);
    return (response.json().items as Array<{ title: string }>).map((item) => item.title).sort();
  };

  it('%, _ and \\ in a ~ operand match only themselves', async () => {
    const name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '', view: '' },
    });
    for (const title of ['100% sure', 'snake_case', 'back\\slash', 'plain words', 'percent sign', 'under score']) {
      await createRecord(app, name, admin.headers, { title });
    }
    expect(await titlesFor(name, 'title ~ "%"')).toEqual(['100% sure']);
    expect(await titlesFor(name, 'title ~ "_"')).toEqual(['snake_case']);
    expect(await titlesFor(name, 'title ~ "\\\\"')).toEqual(['back\\slash']);
    expect(await titlesFor(name, 'title ~ "%_%"')).toEqual([]);
    expect(await titlesFor(name, 'title !~ "%"')).toHaveLength(5);
  });

  it('pathological ~ filters over thousands of rows answer 200 or a 400, never a 500', async () => {
    const name = uniqueName('bulk');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '' },
    });
    const sample = await createRecord(app, name, admin.headers, { title: 'seed' });
    // Rows that nearly match every operand below, so LIKE scans each one to the end.
    const near = 'a%_'.repeat(66);
    const rows = Array.from({ length: 3000 }, (_, index) => ({
      id: `bulk${String(index).padStart(11, '0')}`,
      title: `${near}${index}`,
    }));
    for (let offset = 0; offset < rows.length; offset += 500) {
      const values = rows
        .slice(offset, offset + 500)
        .map((row) => sql`(${row.id}, ${sample.created as string}, ${sample.updated as string}, ${row.title})`);
      await sql`INSERT INTO ${sql.table(`c_${name}`)} (id, created, updated, title) VALUES ${sql.join(values)}`.execute(
        app.database.db,
      );
    }
    const operand = (length: number, salt: number) => `${'a%_'.repeat(length).slice(0, length - 1)}${salt % 10}z`;
    const orOf = (terms: number, length: number) =>
      Array.from({ length: terms }, (_, i) => `title ~ "${operand(length, i)}"`).join(' || ');

    const cases = [
      // What the brief asks: 32 terms of 200-character operands (longer than the filter limit).
      orOf(32, 200),
      // The worst that fits the limits: as many `~` terms as allowed, of 500 characters.
      orOf(MAX_PATTERN_TERMS, 500),
      // One `~` term more than allowed (a text search per row each: bench/worst-filter.ts).
      orOf(MAX_PATTERN_TERMS + 1, 48),
      // More comparisons than allowed.
      orOf(33, 20),
    ];
    const outcomes: string[] = [];
    for (const filter of cases) {
      const response = await recordsApi(app, name).list(undefined, { filter, perPage: 50 });
      outcomes.push(`${filter.length}: ${response.statusCode} ${response.json().code ?? ''}`);
      expect([200, 400], response.body).toContain(response.statusCode);
      if (response.statusCode === 400) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(String(response.json().code)).toMatch(/^(RULE_[A-Z_]+|HTTP_VALIDATION)$/);
      } else {
        expect(response.json().items).toEqual([]);
      }
    }
    // Filters within the limits run; the over-long one and those with too many terms are refused.
    expect(outcomes.map((line) => line.split(': ')[1]?.split(' ')[0])).toEqual(['400', '200', '400', '400']);
    expect(outcomes[2]).toContain('RULE_TOO_MANY_TERMS');
    expect(outcomes[3]).toContain('RULE_TOO_MANY_TERMS');
  });
});

describe('V8.2.1 API key scopes are enforced on every route', () => {
  it('records:read cannot write records or read the profile; profile:read can', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'keyholder');
    const name = uniqueName('scoped');
    const signedIn = '@request.auth.id != ""';
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: signedIn, view: signedIn, create: signedIn, update: signedIn, delete: signedIn },
    });
    const record = await createRecord(app, name, user.headers, { title: 'mine' });
    const readOnly = await newApiKey(app, user, ['records:read']);
    const records = recordsApi(app, name);

    expect((await records.list(readOnly)).statusCode).toBe(200);
    expect((await records.view(readOnly, record.id)).statusCode).toBe(200);
    expectProblem(await records.create(readOnly, { title: 'new' }), 403);
    expectProblem(await records.update(readOnly, record.id, { title: 'changed' }), 403);
    expectProblem(await records.remove(readOnly, record.id), 403);
    expectProblem(await get(app, '/api/auth/me', readOnly), 403, 'AUTH_FORBIDDEN');
    expect((await rawRow(app, `c_${name}`, record.id))?.title).toBe('mine');

    const withProfile = await newApiKey(app, user, ['records:read', 'profile:read']);
    expect((await get(app, '/api/auth/me', withProfile)).json().user.id).toBe(user.id);
    const writer = await newApiKey(app, user, ['records:write']);
    expectProblem(await records.list(writer), 403);
    expect((await records.update(writer, record.id, { title: 'by key' })).statusCode).toBe(200);
  });

  it("an admin's admin-scoped key works on admin routes only while the admin holds a second factor", async () => {
    const admin = await newAdmin(app);
    const adminKey = await newApiKey(app, admin, ['admin']);
    expect((await get(app, '/api/admin/collections', adminKey)).statusCode).toBe(200);
    // The admin scope is not a master key: no profile, no records writes.
    expectProblem(await get(app, '/api/auth/me', adminKey), 403);
    expectProblem(await post(app, '/api/keys', { name: 'more', scopes: ['admin'], expiresIn: 3600 }, adminKey), 403);

    // The factor goes away (as it would after an operator reset): the key stops at once.
    await app.database.db.updateTable('users').set({ mfa_enrolled_ms: null }).where('id', '=', admin.id).execute();
    expectProblem(await get(app, '/api/admin/collections', adminKey), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
  });

  it('a new admin without a factor (default policy) signs in enrol-only and cannot create keys', async () => {
    const email = uniqueEmail('fresh-admin');
    await app.auth.accounts.createAdmin(email, PASSWORD);
    const signIn = await tokens(app, email);
    expect(signIn.mfaRequired).toBe(true);
    expect(signIn.refreshToken).toBeUndefined();
    const headers = bearer(signIn.accessToken);
    for (const scopes of [['admin'], ['records:read']]) {
      expectProblem(
        await post(app, '/api/keys', { name: 'k', scopes, expiresIn: 3600 }, headers),
        403,
        'AUTH_MFA_ENROLMENT_REQUIRED',
      );
    }
    expectProblem(await get(app, '/api/admin/collections', headers), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
    const keys = await app.database.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select('api_keys.id')
      .where('users.email', '=', email)
      .execute();
    expect(keys).toEqual([]);
  });
});

describe('V14.3.2 / V3.4 caching and headers of API responses', () => {
  it('every sampled API and auth response, errors included, is no-store with the API CSP', async () => {
    const user = await newUser(app, 'cache');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const cookie = cookieFor(sessionTokenFrom(login) as string);
    const samples: Array<[string, LightMyRequestResponse]> = [
      ['login 200', login],
      ['login 401', await post(app, '/api/auth/login', { email: user.email, password: 'wrong wrong wrong' })],
      ['token 200', await post(app, '/api/auth/token', { email: user.email, password: PASSWORD })],
      ['me 200', await get(app, '/api/auth/me', user.headers)],
      ['me 401', await get(app, '/api/auth/me')],
      ['csrf 200', await get(app, '/api/auth/csrf', { cookie })],
      ['sessions 200', await get(app, '/api/auth/sessions', user.headers)],
      ['keys 200', await get(app, '/api/keys', user.headers)],
      ['admin 403', await get(app, '/api/admin/collections', user.headers)],
      ['records 404', await get(app, '/api/collections/nope/records')],
      ['unknown 404', await get(app, '/api/nothing-here')],
      ['method 405', await app.http.inject({ method: 'PUT', url: '/api/auth/me' })],
      [
        'type 415',
        await app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'text/plain' },
          payload: 'x',
        }),
      ],
      [
        'json 400',
        await app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: '{"email":',
        }),
      ],
      ['health 200', await get(app, '/api/health')],
      ['refresh 401', await post(app, '/api/auth/refresh', { refreshToken: 'rt_not-a-real-token-at-all' })],
    ];
    for (const [label, response] of samples) {
      expect(String(response.headers['cache-control']), label).toContain('no-store');
      expect(String(response.headers['content-security-policy']), label).toContain("base-uri 'none'");
      expect(response.headers['content-security-policy'], label).toBe(API_CSP);
    }
  });

  it('logout answers Clear-Site-Data, for a cookie session and for a bearer sign-in', async () => {
    const user = await newUser(app, 'leaver');
    const login = await post(app, '/api/auth/login', { email: user.email, password: PASSWORD });
    const token = sessionTokenFrom(login) as string;
    const cookieOut = await post(app, '/api/auth/logout', undefined, {
      cookie: cookieFor(token),
      'x-csrf-token': await csrfTokenFor(app, token),
    });
    expect(cookieOut.statusCode, cookieOut.body).toBe(204);
    expect(String(cookieOut.headers['clear-site-data'])).toContain('"cookies"');
    expect(String(cookieOut.headers['cache-control'])).toContain('no-store');

    const bearerOut = await post(app, '/api/auth/logout', undefined, user.headers);
    expect(bearerOut.statusCode).toBe(204);
    expect(String(bearerOut.headers['clear-site-data'])).toContain('"cookies"');
  });
});
