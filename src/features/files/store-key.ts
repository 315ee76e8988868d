/**
 * The shape of a key a file store accepts: what the server makes (random ids, optionally
 * grouped in folders of ids), never anything that came from a client. One to four segments of
 * `A–Z a–z 0–9 _ -`, each at most 64 characters, joined by `/`: no dots (so no `..`, no
 * extension a client chose), no leading slash, no backslash, no percent-encoding, no NUL.
 */
const STORE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}(\/[A-Za-z0-9_-]{1,64}){0,3}$/;

export function isStoreKey(key: string): boolean {
  return STORE_KEY_PATTERN.test(key);
}

/**
 * Refuses a key the server did not make, before any store sees it: defence in depth against a
 * path traversal (`../`) or an object name injected through a bug upstream. A programming
 * error, so a plain Error (a client gets the generic 500 with the request id).
 */
export function assertStoreKey(key: string): void {
  if (!isStoreKey(key)) throw new Error('refused a file-store key that is not a server-made id');
}
