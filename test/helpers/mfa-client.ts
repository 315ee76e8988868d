import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

/**
 * What an authenticator app does: the 6-digit code for a base32 secret at a time step (now by
 * default; `offsetSteps` moves it by 30-second steps for skew and replay tests).
 */
export function totpCode(secret: string, offsetSteps = 0, nowMs = Date.now()): string {
  const step = Math.floor(nowMs / 1000 / 30) + offsetSteps;
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), 6);
}

/** A code for a step not yet used, waiting for the next step when `used` already holds this one. */
export function freshTotpCode(secret: string, used: ReadonlySet<string>): string {
  for (const offset of [0, 1]) {
    const code = totpCode(secret, offset);
    if (!used.has(code)) return code;
  }
  throw new Error('no unused TOTP step within the accepted window');
}

/** Sends JSON to the app; the shape every test client here shares. */
export type Send = (
  method: string,
  path: string,
  headers: Record<string, string>,
  payload?: unknown,
) => Promise<{ status: number; body: Record<string, unknown>; text: string }>;

/** A `Send` over light-my-request for an app (no socket). */
export const injectSend =
  (app: { http: { inject: (options: InjectOptions) => Promise<LightMyRequestResponse> } }): Send =>
  async (method, path, headers, payload) => {
    const response = await app.http.inject({
      method: method as 'POST',
      url: path,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : {}, text: response.body };
  };

/**
 * Enrols TOTP for a signed-in (or enrol-only) bearer sign-in and returns the secret and the
 * recovery codes: setup, then confirm with the current code.
 */
export async function enrolTotp(send: Send, headers: Record<string, string>) {
  const setup = await send('POST', '/api/auth/mfa/totp/setup', headers);
  if (setup.status !== 200) throw new Error(`totp setup: ${setup.status} ${setup.text}`);
  const secret = setup.body.secret as string;
  const code = totpCode(secret);
  const confirm = await send('POST', '/api/auth/mfa/totp/confirm', headers, { code });
  if (confirm.status !== 200) throw new Error(`totp confirm: ${confirm.status} ${confirm.text}`);
  return { secret, recoveryCodes: confirm.body.recoveryCodes as string[], confirmCode: code };
}
