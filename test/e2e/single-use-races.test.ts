import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { type MailSink, type ReceivedMail, startMailSink } from '../helpers/mail-sink.js';
import { enrolTotp, injectSend, totpCode } from '../helpers/mfa-client.js';
import { LogCapture, TEST_ENV, testDialect } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Every single-use secret is spent by one conditional write (CONTRACT: "of two simultaneous
 * uses, on any instances, exactly one succeeds"). Each test fires 20 simultaneous uses of one
 * secret, alternating between TWO app instances on ONE database (a fresh PostgreSQL database,
 * or one SQLite file in WAL mode shared by both, as in abuse-redis.test.ts), and expects exactly
 * one success and 19 refusals with the documented status.
 */

const PASSWORD = 'correct horse battery staple 42';
const USES = 20;
const PUBLIC_URL = 'https://app.example';

interface Instance extends BulwarkApp {
  logs: LogCapture;
}

let sink: MailSink;
let database: TestDatabase;
let dataDir: string;
let instances: [Instance, Instance];
const [a, b] = [() => instances[0], () => instances[1]];

async function startInstance(): Promise<Instance> {
  const config = loadConfig({
    cwd: dataDir,
    env: {
      BULWARK_DATA_DIR: dataDir,
      ...TEST_ENV,
      BULWARK_SMTP_URL: sink.url,
      BULWARK_PUBLIC_URL: PUBLIC_URL,
      ...database.env,
    },
  });
  const logs = new LogCapture();
  const app = await createApp({ config, logStream: logs });
  return Object.assign(app, { logs });
}

beforeAll(async () => {
  sink = await startMailSink();
  dataDir = mkdtempSync(join(tmpdir(), 'bulwark-races-'));
  database = await createTestDatabase();
  // One after the other, so only the first migrates.
  const first = await startInstance();
  const second = await startInstance();
  instances = [first, second];
  expect([first.database.dialect, second.database.dialect]).toEqual([testDialect(), testDialect()]);
});

afterAll(async () => {
  for (const instance of instances ?? []) await instance.stop('test finished').catch(() => undefined);
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await sink?.close();
});

const post = (app: BulwarkApp, url: string, payload: object, headers: Record<string, string> = {}) =>
  app.http.inject({ method: 'POST', url, payload, headers } satisfies InjectOptions);

/** `USES` simultaneous requests, even ones to instance A and odd ones to instance B. */
async function race(request: (app: BulwarkApp, index: number) => Promise<LightMyRequestResponse>) {
  const responses = await Promise.all(
    Array.from({ length: USES }, (_, index) => request(index % 2 === 0 ? a() : b(), index)),
  );
  const winners = responses.filter((r) => r.statusCode >= 200 && r.statusCode < 300);
  const losers = responses.filter((r) => r.statusCode < 200 || r.statusCode >= 300);
  return { responses, winners, losers, statuses: responses.map((r) => r.statusCode) };
}

/** The problem `code` of each loser, for one readable assertion. */
const codes = (responses: LightMyRequestResponse[]) => responses.map((r) => `${r.statusCode} ${r.json().code}`);

const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

/** A verified account, created directly (email verification is on in this file). */
async function verifiedUser(label: string) {
  const address = email(label);
  const user = await a().auth.accounts.register({ email: address, password: PASSWORD, verified: true });
  return { id: user.id, email: address };
}

/** A verified user with TOTP enrolled (on instance A) and its recovery codes. */
async function enrolledUser(label: string) {
  const user = await verifiedUser(label);
  const signIn = await post(a(), '/api/auth/token', { email: user.email, password: PASSWORD });
  expect(signIn.statusCode, signIn.body).toBe(200);
  const enrolled = await enrolTotp(injectSend(a()), { authorization: `Bearer ${signIn.json().accessToken}` });
  return { ...user, ...enrolled };
}

const tokenFrom = (mail: ReceivedMail, path: string) => {
  const match = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}${path}#([A-Za-z0-9_%-]+)`).exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return decodeURIComponent((match as RegExpExecArray)[1] as string);
};

describe(`single-use secrets under ${USES} simultaneous uses on two instances (${testDialect()})`, () => {
  it('refresh token: exactly one rotation; the others are 401 (and the replay revokes the family)', async () => {
    const user = await verifiedUser('refresh');
    const issued = await post(a(), '/api/auth/token', { email: user.email, password: PASSWORD });
    expect(issued.statusCode, issued.body).toBe(200);
    const { refreshToken } = issued.json();

    const { winners, losers } = await race((app) => post(app, '/api/auth/refresh', { refreshToken }));
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    expect(codes(losers)).toEqual(Array(USES - 1).fill('401 AUTH_INVALID_TOKEN'));

    // Contract: replaying a used refresh token revokes the whole family, the winner's new
    // tokens included; the spent token stays spent on both instances.
    const winner = (winners[0] as LightMyRequestResponse).json();
    for (const app of [a(), b()]) {
      expect((await post(app, '/api/auth/refresh', { refreshToken })).statusCode).toBe(401);
      expect((await post(app, '/api/auth/refresh', { refreshToken: winner.refreshToken })).statusCode).toBe(401);
    }
  });

  it('password reset token: exactly one reset (204), 19 × 400 AUTH_TOKEN_SPENT; only the winner’s password works', async () => {
    const user = await verifiedUser('reset');
    expect((await post(a(), '/api/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
    const token = tokenFrom(
      await sink.waitFor((m) => m.to.includes(user.email) && /reset/i.test(m.subject)),
      '/_/reset',
    );
    const passwordFor = (index: number) => `racing reset passphrase number ${index} kiwi`;

    const { responses, winners, losers } = await race((app, index) =>
      post(app, '/api/auth/password/reset', { token, password: passwordFor(index) }),
    );
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    expect(codes(losers)).toEqual(Array(USES - 1).fill('400 AUTH_TOKEN_SPENT'));

    // No loser wrote its password after the winner: the stored one is the winner's.
    const winnerIndex = responses.indexOf(winners[0] as LightMyRequestResponse);
    const signIn = (password: string) => post(b(), '/api/auth/login', { email: user.email, password });
    expect((await signIn(passwordFor(winnerIndex))).statusCode).toBe(200);
    expect((await signIn(passwordFor((winnerIndex + 1) % USES))).statusCode).toBe(401);
    expect((await signIn(PASSWORD)).statusCode).toBe(401);
  });

  it('email verification token: exactly one 204, 19 × 400 AUTH_TOKEN_SPENT', async () => {
    const address = email('verify');
    expect((await post(b(), '/api/auth/register', { email: address, password: PASSWORD })).statusCode).toBe(202);
    const token = tokenFrom(
      await sink.waitFor((m) => m.to.includes(address) && /verif|confirm/i.test(m.subject)),
      '/_/verify',
    );

    const { winners, losers } = await race((app) => post(app, '/api/auth/email/verify', { token }));
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    expect(codes(losers)).toEqual(Array(USES - 1).fill('400 AUTH_TOKEN_SPENT'));
    expect((await post(a(), '/api/auth/login', { email: address, password: PASSWORD })).statusCode).toBe(200);
  });

  it('set-up token: exactly one administrator is created (201); the others are refused', async () => {
    const link = await a().createSetupLink('http://127.0.0.1:8090');
    expect(link).not.toBeNull();
    const token = decodeURIComponent(new URL(link as string).hash.slice(1));
    const admins = Array.from({ length: USES }, (_, index) => email(`setup-${index}`));

    const { winners, losers } = await race((app, index) =>
      post(app, '/api/admin/setup', { token, email: admins[index] as string, password: PASSWORD }),
    );
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    // A loser either finds the token spent or, if the winner finished first, set-up closed.
    for (const code of codes(losers)) expect(['400 AUTH_TOKEN_SPENT', '409 AUTH_SETUP_CLOSED']).toContain(code);
    const rows = await a().database.db.selectFrom('users').select(['email']).where('role', '=', 'admin').execute();
    expect(rows.map((row) => row.email)).toEqual([(winners[0] as LightMyRequestResponse).json().user.email]);
  });

  it('recovery code: exactly one sign-in (200), 19 × 401 AUTH_INVALID_CODE; one code spent', async () => {
    const user = await enrolledUser('recovery');
    const code = user.recoveryCodes[2] as string;

    const { winners, losers } = await race((app) =>
      post(app, '/api/auth/token', { email: user.email, password: PASSWORD, code }),
    );
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    expect(codes(losers)).toEqual(Array(USES - 1).fill('401 AUTH_INVALID_CODE'));
    expect(await b().auth.factors.recovery.remaining(user.id)).toBe(user.recoveryCodes.length - 1);
  });

  it('TOTP code (one step): exactly one sign-in (200), 19 × 401 AUTH_INVALID_CODE', async () => {
    const user = await enrolledUser('totp');
    // The confirmation spent the current step; the next one is accepted (one step of skew)
    // and not yet spent, whichever side of a step boundary the race lands on.
    const code = totpCode(user.secret, 1);

    const { winners, losers } = await race((app) =>
      post(app, '/api/auth/token', { email: user.email, password: PASSWORD, code }),
    );
    expect(winners, codes(losers).join(', ')).toHaveLength(1);
    expect(codes(losers)).toEqual(Array(USES - 1).fill('401 AUTH_INVALID_CODE'));
    expect((winners[0] as LightMyRequestResponse).json().mfaRequired).toBe(false);
  });

  it('no instance logged an error during the races', () => {
    for (const instance of instances) {
      const errors = instance.logs.entries().filter((entry) => Number(entry.level) >= 50);
      expect(errors.map((entry) => entry.msg)).toEqual([]);
    }
  });
});
