import { createHmac, randomUUID } from 'node:crypto';
import { randomToken } from './random-token.js';

/** Prefixes tell secrets apart in logs and secret scanners: access, refresh, API key. */
export const TOKEN_PREFIX = { access: 'bwa_', refresh: 'bwr_', apiKey: 'bwk_' } as const;

/** 256-bit secrets, as OWASP asks for session identifiers (at least 64 bits of entropy). */
const SECRET_BYTES = 32;

export type TokenHasher = (token: string) => string;

/**
 * Secrets are stored as HMAC-SHA256 under a key derived for this purpose, so a copy of the
 * database alone can neither use them nor test guesses offline without the master key.
 */
export function createTokenHasher(key: Buffer): TokenHasher {
  return (token) => createHmac('sha256', key).update(token, 'utf8').digest('hex');
}

export function newSecret(prefix = ''): string {
  return `${prefix}${randomToken(SECRET_BYTES)}`;
}

/** Public identifiers (session and key ids) are random too, so they cannot be enumerated. */
export function newId(): string {
  return randomUUID();
}
