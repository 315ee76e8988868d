import { enrolTotp, freshTotpCode } from '../../test/helpers/mfa-client.js';
import type { BenchApp } from '../start-bench-app.js';

/** The password of every account the benches make. */
export const BENCH_PASSWORD = 'correct horse battery staple 42';

/** POSTs JSON through the app in-process; anything but a 2xx stops the bench, naming the route. */
export async function postJson(
  app: BenchApp['app'],
  path: string,
  payload: object,
  headers: Record<string, string> = {},
) {
  const response = await app.http.inject({ method: 'POST', url: path, payload, headers });
  if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** An administrator's token: administrators must enrol a second factor, so enrol TOTP as a real one would. */
export async function adminToken(app: BenchApp['app']): Promise<string> {
  const credentials = { email: 'admin@example.com', password: BENCH_PASSWORD };
  await app.auth.accounts.createAdmin(credentials.email, credentials.password);
  const enrolOnly = (await postJson(app, '/api/auth/token', credentials)).accessToken;
  const send = async (method: string, path: string, headers: Record<string, string>, payload?: unknown) => {
    const response = await app.http.inject({
      method: method as 'POST',
      url: path,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.json(), text: response.body };
  };
  const { secret, confirmCode } = await enrolTotp(send, { authorization: `Bearer ${enrolOnly}` });
  const code = freshTotpCode(secret, new Set([confirmCode]));
  return (await postJson(app, '/api/auth/token', { ...credentials, code })).accessToken;
}
