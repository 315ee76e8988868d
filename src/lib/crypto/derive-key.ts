import { hkdfSync } from 'node:crypto';

/** Every purpose that may ask for a key; a new purpose is added here, never spelled ad hoc. */
export type KeyPurpose =
  | 'session'
  | 'csrf'
  | 'data-encryption'
  | 'backup'
  | 'signed-url'
  | 'setup'
  | 'totp'
  | 'audit-chain'
  | 'audit-checkpoint'
  | 'audit-retention'
  | 'key-check'
  /** Derived from a master key version (not from the root): wraps the root under it. */
  | 'root-wrap'
  | 'webhook-secrets'
  | 'file-links';

const KEY_LENGTH_BYTES = 32;

/**
 * Derives a purpose-specific key from the master key with HKDF-SHA256 (RFC 5869), so that the
 * master key itself never signs or encrypts anything and a leak of one derived key does not
 * reveal the others.
 */
export function deriveKey(masterKey: Buffer, purpose: KeyPurpose): Buffer {
  const info = Buffer.from(`bulwark:${purpose}:v1`, 'utf8');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, KEY_LENGTH_BYTES));
}
