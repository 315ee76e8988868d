import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom } from '../helpers/auth-client.js';
import { type MailSink, type ReceivedMail, startMailSink } from '../helpers/mail-sink.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PASSWORD = 'correct horse battery staple 42';
const NEW_PASSWORD = 'another unusual passphrase 1984';

let sink: MailSink;
let app: TestApp;
beforeAll(async () => {
  sink = await startMailSink();
  app = await createTestApp({
    logLevel: 'silent',
    env: { BULWARK_SMTP_URL: sink.url, BULWARK_PUBLIC_URL: 'https://app.example' },
  });
});
afterAll(async () => {
  await app.close();
  await sink.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  app.http.inject({ method: 'POST', url, payload, headers });
const mailTo = (to: string, subject: RegExp) => sink.waitFor((m) => m.to.includes(to) && subject.test(m.subject));

/** Mailed links carry the token in the fragment only: never sent to servers, proxies or logs. */
function tokenFrom(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https://app\\.example${path}#([A-Za-z0-9_%-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  expect(mail.text).not.toMatch(/[?&]token=/);
  return decodeURIComponent((match as RegExpExecArray)[1] as string);
}

async function registerVerified(email: string): Promise<void> {
  expect((await post('/api/auth/register', { email, password: PASSWORD })).statusCode).toBe(202);
  const token = tokenFrom(await mailTo(email, /verif|confirm/i), '/_/verify');
  expect((await post('/api/auth/email/verify', { token })).statusCode).toBe(204);
}

describe('email verification over SMTP', () => {
  it('answers 202, mails a single-use link, and refuses sign-in until the address is verified', async () => {
    const email = 'vera@example.com';
    const registered = await post('/api/auth/register', { email, password: PASSWORD });
    expect(registered.statusCode).toBe(202);
    const mail = await mailTo(email, /verif|confirm/i);
    const token = tokenFrom(mail, '/_/verify');

    const early = await post('/api/auth/login', { email, password: PASSWORD });
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('AUTH_EMAIL_NOT_VERIFIED');

    expect((await post('/api/auth/email/verify', { token })).statusCode).toBe(204);
    expect((await post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
    const replay = await post('/api/auth/email/verify', { token });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('AUTH_TOKEN_SPENT');
  });

  it('answers a taken address exactly like a new one and tells its owner by mail instead', async () => {
    await registerVerified('taken@example.com');
    const again = await post('/api/auth/register', { email: 'taken@example.com', password: PASSWORD });
    const fresh = await post('/api/auth/register', { email: 'fresh@example.com', password: PASSWORD });
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(fresh.body);
    await sink.waitFor((m) => m.to.includes('taken@example.com') && /tried to create .* account/.test(m.text));
  });

  it('makes one account of simultaneous sign-ups for one new address and tells the owner of the others', async () => {
    const email = 'twice@example.com';
    const attempts = await Promise.all(
      Array.from({ length: 4 }, () => post('/api/auth/register', { email, password: PASSWORD })),
    );
    expect(attempts.map((response) => response.statusCode)).toEqual([202, 202, 202, 202]);
    await mailTo(email, /verif|confirm/i);
    const notices = () => sink.messages.filter((m) => m.to.includes(email) && /tried to create/.test(m.text));
    await expect.poll(() => notices().length).toBe(3);
    const rows = await app.database.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('password reset over SMTP', () => {
  it('answers 202 for unknown and known addresses alike, and mails only the known one', async () => {
    await registerVerified('rita@example.com');
    const unknown = await post('/api/auth/password/forgot', { email: 'nobody@example.com' });
    const known = await post('/api/auth/password/forgot', { email: 'rita@example.com' });
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await mailTo('rita@example.com', /reset/i);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.messages.some((m) => m.to.includes('nobody@example.com'))).toBe(false);
  });

  it('resets once, signs nobody in, ends every session, and keeps the link when the new password is refused', async () => {
    const email = 'sam@example.com';
    await registerVerified(email);
    const login = await post('/api/auth/login', { email, password: PASSWORD });
    const cookie = cookieHeaderFrom(login) as string;
    const tokens = (await post('/api/auth/token', { email, password: PASSWORD })).json();

    await post('/api/auth/password/forgot', { email });
    const token = tokenFrom(await mailTo(email, /reset/i), '/_/reset');
    const stored = await app.database.db.selectFrom('one_time_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const weak = await post('/api/auth/password/reset', { token, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0]).toMatchObject({ field: 'password' });

    const reset = await post('/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.statusCode).toBe(204);
    expect(reset.headers['set-cookie']).toBeUndefined();
    expect((await app.http.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    const bearer = await app.http.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(bearer.statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: tokens.refreshToken })).statusCode).toBe(401);

    expect((await post('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(401);
    expect((await post('/api/auth/login', { email, password: NEW_PASSWORD })).statusCode).toBe(200);
    const replay = await post('/api/auth/password/reset', { token, password: `${NEW_PASSWORD} again` });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('AUTH_TOKEN_SPENT');
  });

  it('refuses a reset link past its 30 minutes', async () => {
    const email = 'late@example.com';
    await registerVerified(email);
    await post('/api/auth/password/forgot', { email });
    const token = tokenFrom(await mailTo(email, /reset/i), '/_/reset');
    await app.database.db
      .updateTable('one_time_tokens')
      .set({ expires_ms: Date.now() - 1 })
      .where('purpose', '=', 'reset-password')
      .where('used_ms', 'is', null)
      .execute();
    const response = await post('/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('AUTH_TOKEN_SPENT');
  });
});

describe('email change over SMTP', () => {
  it('changes nothing until the new address confirms its mailed link, once', async () => {
    const email = 'mover@example.com';
    await registerVerified(email);
    const { accessToken } = (await post('/api/auth/token', { email, password: PASSWORD })).json();
    const bearer = { authorization: `Bearer ${accessToken}` };
    const requested = await post('/api/auth/email/change', { email: 'moved@example.com' }, bearer);
    expect(requested.statusCode).toBe(202);
    expect((await app.http.inject({ url: '/api/auth/me', headers: bearer })).json().user.email).toBe(email);

    const token = tokenFrom(await mailTo('moved@example.com', /confirm/i), '/_/confirm-email');
    expect((await post('/api/auth/email/change/confirm', { token })).statusCode).toBe(204);
    expect((await app.http.inject({ url: '/api/auth/me', headers: bearer })).json().user.email).toBe(
      'moved@example.com',
    );
    expect((await post('/api/auth/login', { email: 'moved@example.com', password: PASSWORD })).statusCode).toBe(200);
    expect((await post('/api/auth/email/change/confirm', { token })).statusCode).toBe(400);
    const audit = await app.audit.listRecent(50, 'auth.email.change');
    expect(audit[0]?.details).toMatchObject({ from: email, to: 'moved@example.com' });
  });
});
