import { performance } from 'node:perf_hooks';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

describe('sign-in does not reveal which accounts exist', () => {
  let app: TestApp;
  let email: string;
  beforeAll(async () => {
    app = await createTestApp({ logLevel: 'trace' });
    await app.http.ready();
    email = uniqueEmail('enum');
    await register(app, email);
  });
  afterAll(() => app.close());

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

describe('sign-in timing does not reveal which accounts exist (OWASP argon2id cost)', () => {
  const ROUNDS = 15;
  const ACCOUNTS = 5;
  let app: TestApp;
  const emails: string[] = [];
  beforeAll(async () => {
    app = await createTestApp({
      env: { BULWARK_AUTH_ARGON2_MEMORY_KIB: '19456', BULWARK_AUTH_ARGON2_ITERATIONS: '2' },
    });
    await app.http.ready();
    // Wrong passwords are spread over several accounts so per-account throttling never kicks in.
    for (let i = 0; i < ACCOUNTS; i++) {
      emails.push(uniqueEmail(`timing${i}`));
      await register(app, emails[i] as string);
    }
  });
  afterAll(() => app.close());

  const timed = async (email: string): Promise<number> => {
    const started = performance.now();
    const response = await login(app, email, WRONG_PASSWORD, { remoteAddress: freshAddress() });
    const elapsed = performance.now() - started;
    expect(response.statusCode).toBe(401);
    return elapsed;
  };

  it('gives wrong-email and wrong-password sign-ins median times within 2x of each other', async () => {
    // Warm up both paths: JIT, the dummy hash for unknown accounts, prepared statements.
    for (let i = 0; i < 3; i++) {
      await timed(uniqueEmail('warmup'));
      await timed(emails[i % ACCOUNTS] as string);
    }
    const unknownEmail: number[] = [];
    const wrongPassword: number[] = [];
    // Interleaved, so drift in machine load affects both series alike.
    for (let i = 0; i < ROUNDS; i++) {
      unknownEmail.push(await timed(uniqueEmail('nobody')));
      wrongPassword.push(await timed(emails[i % ACCOUNTS] as string));
    }
    const [a, b] = [median(unknownEmail), median(wrongPassword)];
    const ratio = Math.max(a, b) / Math.min(a, b);
    expect(ratio, `medians: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`).toBeLessThan(2);
    // The cost is real: an OWASP-sized hash is done on both paths, not skipped on one.
    expect(Math.min(a, b)).toBeGreaterThan(5);
  });
});
