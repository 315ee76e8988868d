import { createHmac, timingSafeEqual } from 'node:crypto';

/** The path a signed link points at; the signature covers exactly this and the expiry. */
export const signedFilePath = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}`;

const signature = (key: Buffer, path: string, expiresAtSeconds: number) =>
  createHmac('sha256', key).update(`${path}\n${expiresAtSeconds}`, 'utf8').digest();

/**
 * A short-lived download link: HMAC-SHA256, under the `file-links` key derived from the master
 * key, over the path and the expiry (unix seconds). Anyone holding it may download until it
 * expires, so it is minted only for a caller the record's view rule admits.
 */
export function signFileLink(key: Buffer, fileId: string, expiresAtSeconds: number): string {
  const path = signedFilePath(fileId);
  const sig = signature(key, path, expiresAtSeconds).toString('base64url');
  return `${path}?expires=${expiresAtSeconds}&sig=${sig}`;
}

/**
 * Whether `sig` signs this file's path and `expires`, and `expires` is still ahead. Compared in
 * constant time; any malformed value is simply `false`.
 */
export function isValidFileLink(
  key: Buffer,
  fileId: string,
  expires: string | undefined,
  sig: string | undefined,
  nowMs: number,
): boolean {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return false;
  const expiresAtSeconds = Number(expires);
  const expected = signature(key, signedFilePath(fileId), expiresAtSeconds);
  const presented = Buffer.from(sig, 'base64url');
  const isSigned = presented.length === expected.length && timingSafeEqual(presented, expected);
  return isSigned && expiresAtSeconds * 1000 > nowMs;
}
