import { createHmac } from 'node:crypto';
import type { AuditLogTable } from '../../db/index.js';
import { sha256Hex } from '../../lib/crypto/sha256.js';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';

/** The chain starts from this value, so the first entry's link is checkable too. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an entry's hash was made (the `chain_version` column). Entries written before the keyed
 * chain carry plain SHA-256, which anyone can recompute: someone who can write the table could
 * delete or rewrite a tail and re-hash it. Every new entry is keyed, so only a holder of the
 * master key can extend the chain, and versions never go down along the chain.
 */
export const CHAIN_VERSION_SHA256 = 1;
export const CHAIN_VERSION_KEYED = 2;

export interface HashableEntry {
  seq: number;
  atMs: number;
  type: string;
  actor: string | null;
  ip: string | null;
  requestId: string | null;
  /** Canonical JSON text of the details, exactly as stored. */
  details: string;
}

/** What is hashed: the previous hash and the canonical encoding of every stored column. */
function chainInput(prevHash: string, entry: HashableEntry): string {
  return `${prevHash}\n${canonicalJson(entry)}`;
}

/**
 * The pre-keyed hash: SHA-256 over the previous hash and the entry, so that changing,
 * removing or reordering any entry breaks every hash after it. Kept to verify old entries.
 */
export function hashEntry(prevHash: string, entry: HashableEntry): string {
  return sha256Hex(chainInput(prevHash, entry));
}

/**
 * The keyed hash: HMAC-SHA256 under the audit-chain key (derived from the master key) over
 * the same input. Without the key nobody can re-hash an edited or shortened tail.
 */
export function macEntry(chainKey: Buffer, prevHash: string, entry: HashableEntry): string {
  return createHmac('sha256', chainKey).update(chainInput(prevHash, entry), 'utf8').digest('hex');
}

/** The hash an entry of `version` must carry; null for a version this code does not know. */
export function expectedHash(version: number, chainKey: Buffer, prevHash: string, entry: HashableEntry): string | null {
  if (version === CHAIN_VERSION_KEYED) return macEntry(chainKey, prevHash, entry);
  if (version === CHAIN_VERSION_SHA256) return hashEntry(prevHash, entry);
  return null;
}

/** The hashed part of a stored row: every column but the two hashes and the version. */
export function hashableFromRow(row: AuditLogTable): HashableEntry {
  return {
    seq: row.seq,
    atMs: row.at_ms,
    type: row.type,
    actor: row.actor,
    ip: row.ip,
    requestId: row.request_id,
    details: row.details,
  };
}

/**
 * True when the stored entry's hash is what `chainKey` gives: a keyed entry tells whether a
 * master key is the one that wrote the log (used to check a key against data from before the
 * key-check value existed).
 */
export function isEntryHashedWith(chainKey: Buffer, row: AuditLogTable): boolean {
  return expectedHash(row.chain_version, chainKey, row.prev_hash, hashableFromRow(row)) === row.hash;
}
