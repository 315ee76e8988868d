import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';

/** The session cookie's name, spelled out so a rename shows up as a failing test. */
export const SESSION_COOKIE = '__Host-bulwark_session';
/** Passes the policy (length, breached list, strength) and is easy to tell apart in logs. */
export const PASSWORD = 'correct horse battery staple 42';
export const OTHER_PASSWORD = 'violet tractor harbour lantern 77';
/** The server's own origin as light-my-request's default Host (`localhost:80`) makes it. */
export const OWN_ORIGIN = 'http://localhost:80';

export interface SignedIn {
  user: { id: string; email: string };
  /** The raw session token from Set-Cookie. */
  token: string;
  /** `Cookie` header value carrying the session. */
  cookie: string;
  /** The session's X-CSRF-Token. */
  csrf: string;
}

export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

export const cookieFor = (token: string) => `${SESSION_COOKIE}=${token}`;

/** Every Set-Cookie header of a response, as an array. */
export function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [String(header)];
}

/** The raw `Set-Cookie` line for the session cookie, if the response set one. */
export function sessionSetCookie(response: LightMyRequestResponse): string | undefined {
  return setCookies(response).find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

/** The session token a response set (empty string when it cleared the cookie). */
export function sessionTokenFrom(response: LightMyRequestResponse): string | undefined {
  return response.cookies.find((cookie) => cookie.name === SESSION_COOKIE)?.value;
}

/**
 * The `Cookie` header a browser sends back for the cookie `name` a response set, from the
 * Set-Cookie lines inject() parses (values come decoded; the server encodes them as this does).
 */
export function cookieHeaderFrom(response: LightMyRequestResponse, name = SESSION_COOKIE): string | undefined {
  const cookie = response.cookies.find((each) => each.name === name);
  return cookie && `${name}=${encodeURIComponent(cookie.value)}`;
}

export async function register(
  app: TestApp,
  email: string,
  password = PASSWORD,
): Promise<{ id: string; email: string }> {
  const response = await app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  if (response.statusCode !== 201) throw new Error(`register ${email}: ${response.statusCode} ${response.body}`);
  return response.json().user;
}

export function login(
  app: TestApp,
  email: string,
  password = PASSWORD,
  extra: Pick<InjectOptions, 'headers' | 'remoteAddress'> = {},
): Promise<LightMyRequestResponse> {
  return app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, ...extra });
}

export async function csrfTokenFor(app: TestApp, token: string): Promise<string> {
  const response = await app.http.inject({ url: '/api/auth/csrf', headers: { cookie: cookieFor(token) } });
  if (response.statusCode !== 200) throw new Error(`csrf: ${response.statusCode} ${response.body}`);
  return response.json().token;
}

/** Signs in with a browser session and fetches its CSRF token. */
export async function signIn(
  app: TestApp,
  email: string,
  password = PASSWORD,
  extra: Pick<InjectOptions, 'headers' | 'remoteAddress'> = {},
): Promise<SignedIn> {
  const response = await login(app, email, password, extra);
  const token = sessionTokenFrom(response);
  if (response.statusCode !== 200 || !token) throw new Error(`login ${email}: ${response.statusCode} ${response.body}`);
  return { user: response.json().user, token, cookie: cookieFor(token), csrf: await csrfTokenFor(app, token) };
}

/** A fresh account, signed in with a browser session. */
export async function newSignedInUser(app: TestApp, label: string, password = PASSWORD): Promise<SignedIn> {
  const email = uniqueEmail(label);
  await register(app, email, password);
  return signIn(app, email, password);
}

/** Access and refresh tokens for a non-browser client. */
export async function issueTokens(
  app: TestApp,
  email: string,
  password = PASSWORD,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await app.http.inject({ method: 'POST', url: '/api/auth/token', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`token ${email}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** GET /api/auth/me with a cookie session; the status says whether the session still works. */
export function me(app: TestApp, token: string): Promise<LightMyRequestResponse> {
  return app.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token) } });
}
