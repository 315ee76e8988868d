import type { AuditLogTable } from '../../db/index.js';

/**
 * An audit entry as it leaves the server (syslog messages, `bulwark log export`): every stored
 * column, numbers as numbers (PostgreSQL gives bigints as strings), details parsed, and the
 * hashes, so a recipient holding the key can check the chain.
 */
export interface AuditEntryRecord {
  seq: number;
  atMs: number;
  type: string;
  actor: string | null;
  ip: string | null;
  requestId: string | null;
  details: unknown;
  prevHash: string;
  hash: string;
  chainVersion: number;
}

export function auditEntryFromRow(row: AuditLogTable): AuditEntryRecord {
  return {
    seq: Number(row.seq),
    atMs: Number(row.at_ms),
    type: row.type,
    actor: row.actor,
    ip: row.ip,
    requestId: row.request_id,
    details: JSON.parse(row.details) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
    chainVersion: row.chain_version,
  };
}
