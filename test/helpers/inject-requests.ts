import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from './auth-client.js';
import { bearer } from './collections-client.js';
import { enrolTotp, injectSend } from './mfa-client.js';
import type { TestApp } from './test-app.js';

/**
 * What the ASVS attack files (self-promotion, password change and reset, session ids, API key
 * scopes, API response headers) share: plain requests an outsider sends to one app, a bearer
 * sign-in, and a user with a second factor. Kept here so every file signs in the same way.
 */

export type Headers = Record<string, string>;

/** A password none of the test accounts has: the "new password" of changes and resets. */
export const NEW_PASSWORD = 'another unusual passphrase 1984';

// No retry on 503 anywhere: test apps run without load shedding, and 503 HTTP_UNAVAILABLE is
// also how the abuse guard fails closed, which a retry would hide.
export const post = (app: TestApp, url: string, payload: object | undefined, headers: Headers = {}) =>
  app.http.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
export const get = (app: TestApp, url: string, headers: Headers = {}) =>
  app.http.inject({ method: 'GET', url, headers });

/** A bearer sign-in at /api/auth/token, with a second-factor code when one is given. */
export async function tokens(app: TestApp, email: string, password = PASSWORD, code?: string) {
  const response = await post(app, '/api/auth/token', { email, password, ...(code ? { code } : {}) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { accessToken: string; refreshToken?: string; mfaRequired: boolean };
}

/** A verified plain user with TOTP enrolled (its confirmation spent the current step). */
export async function enrolledUser(app: TestApp, label: string) {
  const email = uniqueEmail(label);
  const user = await app.auth.accounts.register({ email, password: PASSWORD, verified: true });
  const pending = await tokens(app, email);
  const enrolled = await enrolTotp(injectSend(app), bearer(pending.accessToken));
  return { id: user.id, email, ...enrolled };
}
