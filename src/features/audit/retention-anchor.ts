import { createHmac, timingSafeEqual } from 'node:crypto';
import { type AuditRetentionTable, type Database, isMissingTable } from '../../db/index.js';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';
import { GENESIS_HASH } from './hash-entry.js';

/** Domain separation: this MAC can never be mistaken for a chain entry's or a checkpoint's. */
const ANCHOR_FORMAT = 'bulwark-audit-retention/1';
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a chain walk starts: the genesis, or the last entry a pruning deleted. */
export interface ChainStart {
  seq: number;
  hash: string;
  chainVersion: number;
}

export const GENESIS_START: ChainStart = { seq: 0, hash: GENESIS_HASH, chainVersion: 1 };

export type RetentionAnchor = Omit<AuditRetentionTable, 'mac'>;

/** HMAC-SHA256 under the audit-retention key over every field of the anchor. */
export function signAnchor(key: Buffer, anchor: RetentionAnchor): string {
  const text = canonicalJson({ format: ANCHOR_FORMAT, ...anchor });
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Why a stored anchor cannot be trusted, or null when the server's key signed exactly it. */
export function checkAnchor(key: Buffer, row: AuditRetentionTable): string | null {
  const { mac, ...anchor } = row;
  const expected = Buffer.from(signAnchor(key, anchor), 'hex');
  const given = /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) {
    return 'its signature does not match this server’s key (edited or forged)';
  }
  // The server only anchors entries older than its window; an anchor saying otherwise was not
  // made by pruning (or by a clock gone wrong), and deleted more than the window allows.
  if (anchor.through_at_ms >= anchor.pruned_at_ms - anchor.retention_days * DAY_MS) {
    return `it covers an entry younger than its ${anchor.retention_days}-day window`;
  }
  return null;
}

export const startOf = (row: AuditRetentionTable): ChainStart => ({
  seq: row.through_seq,
  hash: row.through_hash,
  chainVersion: row.chain_version,
});

/**
 * Every anchor, newest (highest seq) first; there is one per pruning round, a few per day at
 * most. None when the database predates migration 0010 (`log verify` runs without migrating).
 */
export async function listAnchors(database: Database): Promise<AuditRetentionTable[]> {
  try {
    return await database.db.selectFrom('audit_retention').selectAll().orderBy('through_seq', 'desc').execute();
  } catch (error) {
    if (isMissingTable(error)) return [];
    throw error;
  }
}
