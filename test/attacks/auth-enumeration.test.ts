// @module-tag slow (measures timing distributions: skipped by `npm run test:quick`)
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';
import { median, medianRatio, timed } from '../helpers/timing.js';

/**
 * Signing in must not tell an attacker which accounts exist: a wrong email and a wrong password
 * answer with the same status, body, headers and timing, and the attempt is audited without
 * the password ever being written anywhere.
 */

const WRONG_PASSWORD = 'this is not the password 93';

/** Each attempt comes from its own address, so per-address limits never shape the answers compared. */
let nextAddress = 1;
const freshAddress = () => {
  const n = nextAddress++;
  return `198.51.${100 + Math.floor(n / 250)}.${(n % 250) + 1}`;
};

const HEADERS_THAT_DIFFER_PER_REQUEST = new Set(['date', 'x-request-id']);

function comparableHeaders(response: LightMyRequestResponse): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !HEADERS_THAT_DIFFER_PER_REQUEST.has(name.toLowerCase())),
  );
}

function bodyWithoutRequestId(response: LightMyRequestResponse): Record<string, unknown> {
  const { requestId: _ignored, ...rest } = response.json() as Record<string, unknown>;
  return rest;
}

describe('sign-in does not reveal which accounts exist', () => {
  let email: string;
  const app = useTestApp({ logLevel: 'trace' });
  beforeAll(async () => {
    email = uniqueEmail('enum');
    await register(app, email);
  });

  const attempt = (address: string, password: string) =>
    login(app, address, password, { remoteAddress: freshAddress() });

  it('answers a wrong email and a wrong password with the same status, body and headers', async () => {
    const wrongEmail = await attempt(uniqueEmail('nobody'), WRONG_PASSWORD);
    const wrongPassword = await attempt(email, WRONG_PASSWORD);

    expect(wrongEmail.statusCode).toBe(401);
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongEmail.json().code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(bodyWithoutRequestId(wrongPassword)).toEqual(bodyWithoutRequestId(wrongEmail));
    expect(comparableHeaders(wrongPassword)).toEqual(comparableHeaders(wrongEmail));
    expect(wrongEmail.headers['set-cookie']).toBeUndefined();
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
  });

  it('answers a known email in other letter case exactly like an unknown email', async () => {
    const shouted = await attempt(email.toUpperCase(), WRONG_PASSWORD);
    const wrongEmail = await attempt(uniqueEmail('nobody'), WRONG_PASSWORD);
    expect(shouted.statusCode).toBe(401);
    expect(bodyWithoutRequestId(shouted)).toEqual(bodyWithoutRequestId(wrongEmail));
    expect(comparableHeaders(shouted)).toEqual(comparableHeaders(wrongEmail));
  });

  it('answers a disabled account with the right password like any wrong password', async () => {
    const disabledEmail = uniqueEmail('disabled');
    const disabled = await register(app, disabledEmail);
    // No admin API yet: disable the account the way that API will, in the database.
    await app.database.db.updateTable('users').set({ disabled: 1 }).where('id', '=', disabled.id).execute();

    const rightPassword = await attempt(disabledEmail, PASSWORD);
    const wrongEmail = await attempt(uniqueEmail('nobody'), WRONG_PASSWORD);
    expect(rightPassword.statusCode).toBe(401);
    expect(rightPassword.headers['set-cookie']).toBeUndefined();
    expect(bodyWithoutRequestId(rightPassword)).toEqual(bodyWithoutRequestId(wrongEmail));
    expect(comparableHeaders(rightPassword)).toEqual(comparableHeaders(wrongEmail));
  });

  it('audits every failed sign-in with a reason category and never writes the password anywhere', async () => {
    const secretGuess = 'Unmistakable-Guess-Password-7731';
    const ghost = uniqueEmail('ghost');
    await attempt(ghost, secretGuess);
    await attempt(email, secretGuess);

    const entries = (await app.audit.listRecent(50)).filter((entry) => entry.type === 'auth.login.failure');
    const reasons = new Map(entries.map((entry) => [entry.details.email, entry.details.reason]));
    expect(reasons.get(ghost)).toEqual(expect.any(String));
    expect(reasons.get(email)).toEqual(expect.any(String));
    // Operators can tell a probe for unknown accounts from a guess at a real one.
    expect(reasons.get(ghost)).not.toBe(reasons.get(email));
    for (const entry of entries) expect(entry.ip).toMatch(/^198\.51\./);

    const auditRows = await app.database.db.selectFrom('audit_log').selectAll().execute();
    for (const text of [JSON.stringify(await app.audit.listRecent(50)), JSON.stringify(auditRows), app.logs.text]) {
      expect(text).not.toContain(secretGuess);
      expect(text).not.toContain(WRONG_PASSWORD);
      expect(text).not.toContain(PASSWORD);
    }
  });
});

/** The cost OWASP recommends for argon2id: what makes skipped or extra hashing visible in timing. */
const OWASP_ARGON2 = { BULWARK_AUTH_ARGON2_MEMORY_KIB: '19456', BULWARK_AUTH_ARGON2_ITERATIONS: '2' };

describe('sign-in timing does not reveal which accounts exist (OWASP argon2id cost)', () => {
  const ROUNDS = 15;
  const ACCOUNTS = 5;
  const emails: string[] = [];
  const app = useTestApp({ env: OWASP_ARGON2 });
  beforeAll(async () => {
    // Wrong passwords are spread over several accounts so per-account throttling never kicks in.
    for (let i = 0; i < ACCOUNTS; i++) {
      emails.push(uniqueEmail(`timing${i}`));
      await register(app, emails[i] as string);
    }
  });

  const timedSignIn = async (email: string): Promise<number> => {
    const { elapsedMs, result } = await timed(() =>
      login(app, email, WRONG_PASSWORD, { remoteAddress: freshAddress() }),
    );
    expect(result.statusCode).toBe(401);
    return elapsedMs;
  };

  it('gives wrong-email and wrong-password sign-ins median times within 2x of each other', async () => {
    // Warm up both paths: JIT, the dummy hash for unknown accounts, prepared statements.
    for (let i = 0; i < 3; i++) {
      await timedSignIn(uniqueEmail('warmup'));
      await timedSignIn(emails[i % ACCOUNTS] as string);
    }
    const unknownEmail: number[] = [];
    const wrongPassword: number[] = [];
    // Interleaved, so drift in machine load affects both series alike.
    for (let i = 0; i < ROUNDS; i++) {
      unknownEmail.push(await timedSignIn(uniqueEmail('nobody')));
      wrongPassword.push(await timedSignIn(emails[i % ACCOUNTS] as string));
    }
    const [a, b] = [median(unknownEmail), median(wrongPassword)];
    const summary = `medians: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`;
    expect(medianRatio(unknownEmail, wrongPassword), summary).toBeLessThan(2);
    // The cost is real: an OWASP-sized hash is done on both paths, not skipped on one.
    expect(Math.min(a, b)).toBeGreaterThan(5);
  });
});

describe('sign-up without mail', () => {
  const app = useTestApp({ logLevel: 'silent' });

  it('makes one account of simultaneous sign-ups for one address; the others get 409, never a 500', async () => {
    const email = uniqueEmail('race');
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: PASSWORD } }),
      ),
    );
    const statuses = attempts.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const refused of attempts.filter((response) => response.statusCode === 409)) {
      expect(refused.json().code).toBe('AUTH_EMAIL_TAKEN');
    }
    const rows = await app.database.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('sign-up timing does not reveal which accounts exist when mail is on (OWASP argon2id cost)', () => {
  const ROUNDS = 15;
  const WARMUP = 3;
  let sink: MailSink;
  let app: TestApp;
  const taken: string[] = [];
  let url: string;
  /** Over a real socket: the attacker's clock stops when the answer arrives, as here. */
  const signUp = async (email: string) => {
    const response = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    await response.arrayBuffer();
    return { statusCode: response.status };
  };
  const verificationFor = (email: string) =>
    sink.waitFor((m) => m.to.includes(email) && /verif|confirm/i.test(m.subject));
  const attemptNoticeFor = (email: string) =>
    sink.waitFor((m) => m.to.includes(email) && /tried to create .* account/.test(m.text));

  beforeAll(async () => {
    sink = await startMailSink();
    app = await createTestApp({
      env: { ...OWASP_ARGON2, BULWARK_SMTP_URL: sink.url, BULWARK_PUBLIC_URL: 'https://app.example' },
    });
    url = await app.start();
    // One taken address per timed attempt, so each attempt's notice mail can be told apart.
    for (let i = 0; i < ROUNDS + WARMUP; i++) {
      const email = uniqueEmail('taken');
      taken.push(email);
      expect((await signUp(email)).statusCode).toBe(202);
      await verificationFor(email);
    }
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  /**
   * Time to the answer only. Each attempt then waits for its mail, so one attempt's remaining
   * work (done after answering, by design) never slows the next measurement.
   */
  const timedSignUp = async (email: string, isTaken: boolean): Promise<number> => {
    const { elapsedMs, result } = await timed(() => signUp(email));
    expect(result.statusCode).toBe(202);
    await (isTaken ? attemptNoticeFor(email) : verificationFor(email));
    return elapsedMs;
  };

  it('gives taken-address and new-address sign-ups median times within 2x of each other', async () => {
    const takenAddresses = [...taken];
    for (let i = 0; i < WARMUP; i++) {
      await timedSignUp(uniqueEmail('fresh'), false);
      await timedSignUp(takenAddresses.pop() as string, true);
    }
    const newAddress: number[] = [];
    const takenAddress: number[] = [];
    // Interleaved, so drift in machine load affects both series alike.
    for (let i = 0; i < ROUNDS; i++) {
      newAddress.push(await timedSignUp(uniqueEmail('fresh'), false));
      takenAddress.push(await timedSignUp(takenAddresses.pop() as string, true));
    }
    const summary = `medians: new ${median(newAddress).toFixed(1)} ms, taken ${median(takenAddress).toFixed(1)} ms`;
    expect(medianRatio(newAddress, takenAddress), summary).toBeLessThan(2);
  });
});
