import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { SESSION_COOKIE, type SignedIn, sessionSetCookie } from './auth-client.js';
import type { TestApp } from './test-app.js';

/**
 * What the session attack files (session fixation, logout, expiry, seeing and ending sessions,
 * token storage) share: a user's own view of their sessions, the session rows behind it, and the
 * attributes of the session cookie, split from the raw Set-Cookie line because they are the point.
 */

export const minutes = (n: number) => n * 60_000;
/** The headers of an unsafe request from a signed-in browser: its cookie and CSRF token. */
export const unsafe = (session: SignedIn) => ({ cookie: session.cookie, 'x-csrf-token': session.csrf });

/** Set-Cookie attributes by lower-cased name; flags map to true. */
export function cookieAttributes(line: string): Map<string, string | true> {
  const [, ...parts] = line.split(';').map((part) => part.trim());
  return new Map(
    parts.map((part) => {
      const [name = '', ...value] = part.split('=');
      return [name.toLowerCase(), value.length ? value.join('=') : true] as const;
    }),
  );
}

export function expectHostOnlySessionCookie(response: LightMyRequestResponse): void {
  const line = sessionSetCookie(response);
  expect(line, 'a session Set-Cookie').toBeDefined();
  expect(line?.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  const attributes = cookieAttributes(line as string);
  expect(attributes.get('httponly')).toBe(true);
  expect(attributes.get('secure')).toBe(true);
  expect(attributes.get('samesite')).toBe('Lax');
  expect(attributes.get('path')).toBe('/');
  expect(attributes.has('domain')).toBe(false);
  // Nothing else beyond the lifetime.
  const extra = [...attributes.keys()].filter(
    (name) => !['httponly', 'secure', 'samesite', 'path', 'max-age', 'expires'].includes(name),
  );
  expect(extra).toEqual([]);
}

/** A signed-in user's sessions as /api/auth/sessions lists them, and the rows behind them, on `app`. */
export function sessionsClient(app: TestApp) {
  const sessionsOf = async (session: SignedIn) => {
    const response = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: session.cookie } });
    expect(response.statusCode).toBe(200);
    return response.json().items as Array<{
      id: string;
      current: boolean;
      ip: string;
      userAgent: string;
      lastSeen: string;
    }>;
  };
  const currentSessionId = async (session: SignedIn) =>
    (await sessionsOf(session)).find((s) => s.current)?.id as string;
  const sessionRow = (id: string) =>
    app.database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return { sessionsOf, currentSessionId, sessionRow };
}
