import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom } from '../helpers/auth-client.js';
import { type MailSink, type ReceivedMail, startMailSink } from '../helpers/mail-sink.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * ASVS V6.1.2: an attacker guessing passwords for this deployment tries its names first: the
 * product, the deployment's own name, its host, and the words the operator lists. A password
 * holding one, in any case or common leetspeak, is refused on every path that sets a password.
 */

const GOOD_PASSWORD = 'correct horse battery staple 42';
const OTHER_GOOD_PASSWORD = 'violet tractor harbour lantern 77';
const PUBLIC_URL = 'https://app.roadrunner.example';

let sink: MailSink;
let app: TestApp;
beforeAll(async () => {
  sink = await startMailSink();
  app = await createTestApp({
    logLevel: 'silent',
    env: {
      BULWARK_SMTP_URL: sink.url,
      BULWARK_PUBLIC_URL: PUBLIC_URL,
      BULWARK_NAME: 'Acme Shop',
      BULWARK_AUTH_PASSWORD_BANNED_WORDS: 'coyote,anvil',
    },
  });
});
afterAll(async () => {
  await app.close();
  await sink.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  app.http.inject({ method: 'POST', url, payload, headers });
const mailTo = (to: string, subject: RegExp) => sink.waitFor((m) => m.to.includes(to) && subject.test(m.subject));
let counter = 0;
const nextEmail = (label: string) => `${label}-${++counter}@example.com`;

function tokenFrom(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${PUBLIC_URL.replaceAll('.', '\\.')}${path}#([A-Za-z0-9_%-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return decodeURIComponent((match as RegExpExecArray)[1] as string);
}

/** The refusal every path must give: 400, the weak-password code, and the word named. */
function expectRefused(
  response: { statusCode: number; body: string; json: () => unknown },
  word: string,
  field: string,
) {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.json()).toMatchObject({
    code: 'AUTH_WEAK_PASSWORD',
    errors: [
      {
        field,
        code: 'contains_banned_word',
        message: `This password contains "${word}", a name tied to this service that attackers try first; choose one that does not.`,
      },
    ],
  });
}

async function verifiedUser(): Promise<string> {
  const email = nextEmail('user');
  expect((await post('/api/auth/register', { email, password: GOOD_PASSWORD })).statusCode).toBe(202);
  const token = tokenFrom(await mailTo(email, /verif|confirm/i), '/_/verify');
  expect((await post('/api/auth/email/verify', { token })).statusCode).toBe(204);
  return email;
}

describe('sign-up refuses a password holding a context-specific word', () => {
  it.each([
    ['the product name in capitals', 'lantern BULWARK orbit velvet', 'bulwark'],
    ['the product name in leetspeak', 'lantern 8u1w4rk orbit velvet', 'bulwark'],
    ['the deployment name run together', 'orbit acmeshop velvet marsh', 'acmeshop'],
    ['a word of the deployment name', 'orbit Acme velvet marsh 9', 'acme'],
    ['a label of the public host', 'orbit r0adrunn3r velvet marsh', 'roadrunner'],
    ["a word from the operator's list", 'orbit velvet c0y0te marsh', 'coyote'],
  ])('%s', async (_name, password, word) => {
    expectRefused(await post('/api/auth/register', { email: nextEmail('signup'), password }), word, 'password');
  });

  it('accepts a password that holds none of them', async () => {
    const response = await post('/api/auth/register', { email: nextEmail('fine'), password: GOOD_PASSWORD });
    expect(response.statusCode, response.body).toBe(202);
  });
});

describe('every other path that sets a password refuses them too', () => {
  it('password change', async () => {
    const email = await verifiedUser();
    const login = await post('/api/auth/login', { email, password: GOOD_PASSWORD });
    expect(login.statusCode).toBe(200);
    const cookie = cookieHeaderFrom(login) as string;
    const csrf = (await app.http.inject({ url: '/api/auth/csrf', headers: { cookie } })).json().token as string;
    const change = (newPassword: string) =>
      post(
        '/api/auth/password/change',
        { currentPassword: GOOD_PASSWORD, newPassword },
        { cookie, 'x-csrf-token': csrf },
      );

    expectRefused(await change('harbour Bulwark lantern 77'), 'bulwark', 'newPassword');
    expect((await change(OTHER_GOOD_PASSWORD)).statusCode).toBe(204);
  });

  it('password reset, keeping the link usable after the refusal', async () => {
    const email = await verifiedUser();
    expect((await post('/api/auth/password/forgot', { email })).statusCode).toBe(202);
    const token = tokenFrom(await mailTo(email, /reset/i), '/_/reset');

    expectRefused(
      await post('/api/auth/password/reset', { token, password: 'harbour anv1l lantern 77' }),
      'anvil',
      'password',
    );
    expect((await post('/api/auth/password/reset', { token, password: OTHER_GOOD_PASSWORD })).statusCode).toBe(204);
  });

  it('first-administrator set-up', async () => {
    const link = await app.createSetupLink('http://127.0.0.1:8090');
    expect(link).not.toBeNull();
    const token = decodeURIComponent(new URL(link as string).hash.slice(1));
    const setup = (password: string) => post('/api/admin/setup', { token, email: nextEmail('admin'), password });

    expectRefused(await setup('harbour AcmeShop lantern 77'), 'acmeshop', 'password');
    expect((await setup(OTHER_GOOD_PASSWORD)).statusCode).toBe(201);
  });
});
