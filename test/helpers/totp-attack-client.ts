import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, expect } from 'vitest';
import { cookieFor, PASSWORD, uniqueEmail } from './auth-client.js';
import { bearer, expectProblem } from './collections-client.js';
import { totpCode } from './mfa-client.js';
import { type TestApp, useTestApp } from './test-app.js';

/**
 * What the TOTP attack files (test/attacks/mfa-*.test.ts) share: an attacker's client that
 * speaks HTTP to one app, the step arithmetic of an authenticator app, and the checks of the
 * problems a second factor answers with. Kept in one place so every file attacks the same way.
 */

export type Headers = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const STEP_MS = 30_000;
export const stepNow = () => Math.floor(Date.now() / STEP_MS);
/** The code an authenticator app shows at an absolute 30-second step. */
export const codeAtStep = (secret: string, step: number) => totpCode(secret, 0, step * STEP_MS);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const minutesAgo = (n: number) => Date.now() - n * 60_000;

/**
 * Waits into the next step when the current one is about to end, so that a code computed for
 * "now ± n" is still "now ± n" when the server checks it (at most a few seconds, rarely).
 */
export async function awayFromStepBoundary(marginMs = 4_000): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < marginMs) await sleep(left + 100);
}

/** A 6-digit code that is none of the codes valid within ±`window` steps of now. */
export function wrongCode(secret: string, window = 2): string {
  const valid = new Set(Array.from({ length: 2 * window + 1 }, (_, i) => totpCode(secret, i - window)));
  for (let n = 0; ; n++) {
    const candidate = String((123_457 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

export interface Enrolled {
  id: string;
  email: string;
  secret: string;
  recoveryCodes: string[];
  /** The newest step the server has seen spent (confirmation or sign-in). */
  lastStep: number;
  /** Every TOTP code sent for this account, for the "never logged" checks. */
  codesSent: string[];
}

/** Everything a test does over HTTP against one app. */
export function clientFor(getApp: () => TestApp) {
  const call = async (method: Method, url: string, headers: Headers = {}, payload?: object) => {
    const options: InjectOptions = { method, url, headers };
    if (payload !== undefined) options.payload = payload;
    // Sent once: test apps run without load shedding, and a retry on 503 would hide the
    // abuse guard failing closed.
    return getApp().http.inject(options);
  };
  const registerUser = async (email: string) => {
    const response = await call('POST', '/api/auth/register', {}, { email, password: PASSWORD });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().user as { id: string; email: string };
  };

  const token = (email: string, code?: string, password = PASSWORD) =>
    call('POST', '/api/auth/token', {}, { email, password, ...(code === undefined ? {} : { code }) });
  const login = (email: string, code?: string, headers: Headers = {}) =>
    call('POST', '/api/auth/login', headers, { email, password: PASSWORD, ...(code === undefined ? {} : { code }) });

  /** A cookie session's X-CSRF-Token (allowed for pending sign-ins too). */
  const csrfOf = async (sessionToken: string) => {
    const response = await call('GET', '/api/auth/csrf', { cookie: cookieFor(sessionToken) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().token as string;
  };
  const cookieHeaders = async (sessionToken: string): Promise<Headers> => ({
    cookie: cookieFor(sessionToken),
    'x-csrf-token': await csrfOf(sessionToken),
  });
  const me = (headers: Headers) => call('GET', '/api/auth/me', headers);
  const summary = async (headers: Headers) => {
    const response = await call('GET', '/api/auth/mfa', headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      required: boolean;
      enrolled: boolean;
      totp: boolean;
      passkeys: number;
      recoveryCodesLeft: number;
    };
  };

  /** Setup, then confirm with the code of `offset` steps from now (-1 leaves room for two more codes). */
  const enrol = async (headers: Headers, offset = -1) => {
    const setup = await call('POST', '/api/auth/mfa/totp/setup', headers);
    expect(setup.statusCode, setup.body).toBe(200);
    const secret = setup.json().secret as string;
    if (offset !== 0) await awayFromStepBoundary();
    const step = stepNow() + offset;
    const code = codeAtStep(secret, step);
    const confirm = await call('POST', '/api/auth/mfa/totp/confirm', headers, { code });
    expect(confirm.statusCode, confirm.body).toBe(200);
    return { secret, recoveryCodes: confirm.json().recoveryCodes as string[], step, code, confirm };
  };

  /** A registered user who enrolled TOTP through a bearer sign-in. */
  const newEnrolled = async (label: string): Promise<Enrolled> => {
    const email = uniqueEmail(label);
    const { id } = await registerUser(email);
    const first = await token(email);
    expect(first.statusCode, first.body).toBe(200);
    const { secret, recoveryCodes, step, code } = await enrol(bearer(first.json().accessToken));
    return { id, email, secret, recoveryCodes, lastStep: step, codesSent: [code] };
  };

  /** The code of the next unspent step within the window (now, else now+1). */
  const nextCode = (account: Enrolled): string => {
    const now = stepNow();
    const step = Math.max(now, account.lastStep + 1);
    if (step > now + 1) throw new Error('test bug: no unspent step left in the window; use another account');
    account.lastStep = step;
    const code = codeAtStep(account.secret, step);
    account.codesSent.push(code);
    return code;
  };

  /** A full bearer sign-in with password and code in one request. */
  const fullBearer = async (account: Enrolled): Promise<Headers> => {
    const response = await token(account.email, nextCode(account));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().mfaRequired).toBe(false);
    return bearer(response.json().accessToken);
  };

  return {
    call,
    registerUser,
    token,
    login,
    csrfOf,
    cookieHeaders,
    me,
    summary,
    enrol,
    newEnrolled,
    nextCode,
    fullBearer,
  };
}

export function expectMfaRequired(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_MFA_REQUIRED');
  expect(response.json().type).toContain('mfa-required');
}

export function expectEnrolmentRequired(response: LightMyRequestResponse): void {
  expectProblem(response, 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
  expect(response.json().type).toContain('mfa-enrolment-required');
}

/** What a sign-in made only to enrol is told once the factor exists: not "enrol", but "sign in again". */
export function expectSignInAgain(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_MFA_SIGN_IN_AGAIN');
  expect(response.json().type).toContain('mfa-sign-in-again');
  expect(response.json().title).toBe('Sign in again with your code');
  expect(response.json().detail).toContain('Sign in again with your code');
}

export function expectInvalidCode(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_INVALID_CODE');
  expect(response.json().type).toContain('invalid-code');
  expect(response.json()).not.toHaveProperty('accessToken');
  expect(response.headers['set-cookie']).toBeUndefined();
}

/** Makes the sign-in of every session of the user old enough that step-up is needed again. */
export async function ageSessions(app: TestApp, userId: string): Promise<void> {
  await app.database.db
    .updateTable('sessions')
    .set({ reauth_ms: minutesAgo(30), factor_ms: minutesAgo(30) })
    .where('user_id', '=', userId)
    .execute();
}

export const auditOf = async (app: TestApp, userId: string) =>
  (await app.database.db.selectFrom('audit_log').selectAll().where('actor', '=', userId).orderBy('seq').execute()).map(
    (row) => ({ type: row.type, details: JSON.parse(row.details) as Record<string, unknown> }),
  );

/**
 * One app for a test file, created before its tests and closed after them, and the client that
 * talks to it. `onCreated` hands the app to the file for the checks that read the database.
 */
export function useTotpApp(onCreated: (app: TestApp) => void = () => {}) {
  const app = useTestApp();
  beforeAll(async () => {
    onCreated(app);
  });
  return clientFor(() => app);
}
