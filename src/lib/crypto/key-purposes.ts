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
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is: sessions, tokens and API keys stay valid. A new root would end them all (stored HMACs would no longer match); revoke instead with `bulwark sessions revoke`.',
  },
  csrf: {
    protects:
      "The CSRF tokens of browser sessions: an HMAC of the current session cookie's stored hash (synchronizer token).",
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/features/auth/index.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is. A new root would only end open forms: tokens are re-fetched per session.',
  },
  'data-encryption': {
    protects: 'Wraps the data keys of encrypted fields (table `data_keys`).',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD `data-key:<key id>`',
    derivedIn: ['src/app/collections-options.ts', 'src/cli/keys/open-keys.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is. The data keys it wraps are rotated by `bulwark keys rotate`: a new data key, every value re-encrypted under it in resumable batches, the retired key deleted once no value names it.',
  },
  backup: {
    protects:
      "Encrypted backup files made without a passphrase (`bulwark backup`, scheduled backups): the base key from which each file's own key is derived with its random file id.",
    algorithm: 'AES-256-GCM in 64 KiB authenticated chunks (STREAM: header, index and final flag bound into each)',
    derivedIn: ['src/features/backup/backup-keys.ts'],
    rotation:
      'Derived from the master key itself, not the root: a restore on a new machine has only that key, and it is also the key that opens the data inside. A backup opens with the master key in use when it was written, so after `bulwark keys rotate --master` keep the replaced key as long as backups made under it; the server reads the key again before each scheduled backup, so it never seals under a replaced one. Passphrase backups (argon2id) carry the master key sealed inside.',
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
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; the sealed TOTP secrets stay readable.',
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
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; the chain goes on under the same key and every entry still verifies.',
  },
  'audit-checkpoint': {
    protects: 'The signed checkpoint file in the data folder holding the newest audit entry (truncation detection).',
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/app/open-core.ts', 'src/cli/log-verify.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; the checkpoint is re-signed at every batch of audit entries.',
  },
  'audit-retention': {
    protects: 'The signed anchors that pruning the audit log leaves, so verification starts from them.',
    algorithm: 'HMAC-SHA256',
    derivedIn: ['src/app/create-app.ts', 'src/cli/log-verify.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; existing anchors still verify.',
  },
  'key-check': {
    protects:
      'A check value in the database that tells whether the master key given is the one the data was written under.',
    algorithm: 'HMAC-SHA256 over a fixed label',
    derivedIn: ['src/app/key-check.ts'],
    rotation:
      "Derived from the master key itself (not the root): `bulwark keys rotate --master` writes the new key's check value and keeps the old one's, so a start with the replaced key is refused as replaced.",
  },
  'webhook-secrets': {
    protects: 'Seals each webhook signing secret at rest, bound to the webhook id.',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD the webhook id',
    derivedIn: ['src/app/create-app.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; the sealed webhook secrets stay readable.',
  },
  'root-wrap': {
    protects:
      'Wraps the root secret (table `master_key_versions`) from which every other purpose key is derived; until the first master-key rotation the root is the master key itself.',
    algorithm: 'AES-256-GCM, 96-bit random IV, AAD the master key version',
    derivedIn: ['src/app/root-key.ts'],
    rotation:
      'Derived from the master key itself: `bulwark keys rotate --master` wraps the same root under a new master key as the next version and deletes the older version in the same transaction.',
  },
  'file-links': {
    protects: 'Signed, short-lived download links for files (path and expiry).',
    algorithm: 'HMAC-SHA256, compared in constant time',
    derivedIn: ['src/app/create-app.ts', 'src/cli/schema/open-collections.ts'],
    rotation:
      'Derived from the root secret, which `bulwark keys rotate --master` re-wraps under the new master key but never changes, so a master-key rotation leaves it as it is; links live minutes (`files.linkTtlSeconds`) in any case.',
  },
};
