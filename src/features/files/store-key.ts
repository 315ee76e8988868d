/**
 * The only keys the server makes: `<collection>/<record id>/<file id>`, a collection name and
 * two UUIDs. Anything else (`..`, a slash too many, a client's name) is refused before it can
 * reach a path or an object name: defence in depth behind the service, which never builds a
 * key from input. Every store (local, S3) checks it.
 */
export const STORE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

export function assertStoreKey(key: string): void {
  if (!STORE_KEY_PATTERN.test(key)) throw new Error('file store key is not of the server’s own shape');
}
