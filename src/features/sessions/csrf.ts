import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Synchronizer token bound to the session id a browser holds right now: an HMAC, under a key
 * derived for CSRF, of the stored hash of the session cookie. The cookie is replaced at sign-in,
 * at completion of the second factor, at step-up and at every privilege change, and the token
 * goes with it: a token read (or planted) before a rotation is refused after it, as is another
 * session's. The session's row id is not used: it outlives those rotations.
 */
export function csrfTokenFor(csrfKey: Buffer, cookieTokenHash: string): string {
  return createHmac('sha256', csrfKey).update(cookieTokenHash, 'utf8').digest('base64url');
}

export function isValidCsrfToken(
  csrfKey: Buffer,
  cookieTokenHash: string | undefined,
  presented: string | undefined,
): boolean {
  if (!presented || !cookieTokenHash) return false;
  const expected = Buffer.from(csrfTokenFor(csrfKey, cookieTokenHash));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
