import type { AuditLogTable } from '../../db/index.js';
import { sha256Hex } from '../../lib/crypto/sha256.js';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';

/** The chain starts from this value, so the first entry's link is checkable too. */
export const GENESIS_HASH = '0'.repeat(64);

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

/**
 * SHA-256 over the previous hash and the canonical encoding of every stored column, so that
 * changing, removing or reordering any entry breaks every hash after it.
 */
export function hashEntry(prevHash: string, entry: HashableEntry): string {
  return sha256Hex(`${prevHash}\n${canonicalJson(entry)}`);
}

/** The hashed part of a stored row: every column but the two hashes. */
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
