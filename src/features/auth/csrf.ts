import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Synchronizer token bound to the session: an HMAC of the session id under a key derived for
 * CSRF. Another session's token, or a token after the session id changed, does not match.
 */
export function csrfTokenFor(csrfKey: Buffer, sessionId: string): string {
  return createHmac('sha256', csrfKey).update(sessionId, 'utf8').digest('base64url');
}

export function isValidCsrfToken(csrfKey: Buffer, sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(csrfKey, sessionId));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
