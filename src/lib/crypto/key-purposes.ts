import type { KeyPurpose } from './derive-key.js';

/** What one derived key is for: the facts docs/security/crypto-inventory.md is rendered from. */
export interface KeyPurposeInfo {
  /** What the key protects, in one sentence. */
  protects: string;
  /** The algorithm the derived key is used with. */
  algorithm: string;
  /**
   * Source files that derive this key (`deriveKey(…, '<purpose>')`); empty for a purpose no code
   * derives yet. A test compares this with the source, so the list cannot go stale.
   */
  derivedIn: readonly string[];
  /** What rotating it takes and what it affects. */
  rotation: string;
}

/**
 * Every key purpose described (ASVS V11.1.1–2). Typed as a complete record of `KeyPurpose`, so
 * a new purpose does not compile until it is described here.
 */
export const KEY_PURPOSES: Readonly<Record<KeyPurpose, KeyPurposeInfo>> = {
  session: {
    protects:
      'Secrets at rest: session ids, access and refresh tokens, API keys, one-time tokens (set-up, verification, reset, email change) and recovery codes are stored only as HMACs under it.',
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/features/auth/index.ts'],
    rotation:
      'Follows the master key. Stored HMACs no longer match under a new key, so a rotation that re-derives it ends every session, token and API key.',
  },
  csrf: {
    protects:
      "The CSRF tokens of browser sessions: an HMAC of the current session cookie's stored hash (synchronizer token).",
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/features/auth/index.ts'],
    rotation: 'Follows the master key; tokens are re-fetched per session, so a new key only ends open forms.',
  },
  'data-encryption': {
    protects: 'Wraps the data keys of encrypted fields (table `data_keys`).',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD `data-key:<key id>`',
    derivedIn: ['src/app/create-app.ts'],
    rotation:
      'Follows the master key. Data keys are wrapped, not derived, so rotating means re-wrapping each data key; values keep their key id.',
  },
  backup: {
    protects: 'Encrypted backup files made without a passphrase (`bulwark backup`).',
    algorithm: 'AES-256-GCM in authenticated chunks',
    derivedIn: [],
    rotation: 'Follows the master key; a backup opens with the master key it was made under.',
  },
  'signed-url': {
    protects: 'Reserved name; nothing uses it. Download links use `file-links`.',
    algorithm: '(none)',
    derivedIn: [],
    rotation: 'Nothing to rotate.',
  },
  setup: {
    protects:
      'Reserved name; nothing uses it. The set-up link is a random one-time token stored as an HMAC under `session`.',
    algorithm: '(none)',
    derivedIn: [],
    rotation: 'Nothing to rotate.',
  },
  totp: {
    protects: 'Seals TOTP secrets at rest, bound to the user id.',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD the user id',
    derivedIn: ['src/features/auth/index.ts'],
    rotation: 'Follows the master key; rotating means re-sealing every TOTP secret, or users re-enrol.',
  },
  'audit-chain': {
    protects: 'The keyed hash chain of the audit log: each entry is an HMAC over the previous hash and the entry.',
    algorithm: 'HMAC-SHA256',
    derivedIn: [
      'src/app/alerts.ts',
      'src/app/create-app.ts',
      'src/app/key-check.ts',
      'src/app/open-core.ts',
      'src/cli/log-verify.ts',
    ],
    rotation:
      'Follows the master key; entries written under an older key verify only with it, so the old key is kept for verification.',
  },
  'audit-checkpoint': {
    protects: 'The signed checkpoint file in the data folder holding the newest audit entry (truncation detection).',
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/app/open-core.ts', 'src/cli/log-verify.ts'],
    rotation: 'Follows the master key; the checkpoint is re-signed at the next audit entry.',
  },
  'audit-retention': {
    protects: 'The signed anchors that pruning the audit log leaves, so verification starts from them.',
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/app/create-app.ts', 'src/cli/log-verify.ts'],
    rotation: 'Follows the master key; anchors signed under an older key verify only with it.',
  },
  'key-check': {
    protects:
      'A check value in the database that tells whether the master key given is the one the data was written under.',
    algorithm: 'HMAC-SHA256 over a fixed label',
    derivedIn: ['src/app/key-check.ts'],
    rotation: 'Rewritten when the master key changes.',
  },
  'webhook-secrets': {
    protects: 'Seals each webhook signing secret at rest, bound to the webhook id.',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD the webhook id',
    derivedIn: ['src/app/create-app.ts'],
    rotation: 'Follows the master key; rotating means re-sealing every webhook secret.',
  },
  'file-links': {
    protects: 'Signed, short-lived download links for files (path and expiry).',
    algorithm: 'HMAC-SHA256, compared in constant time',
    derivedIn: ['src/app/create-app.ts'],
    rotation: 'Follows the master key; links live minutes (`files.linkTtlSeconds`), so old links simply expire.',
  },
};
