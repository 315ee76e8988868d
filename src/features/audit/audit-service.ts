import { sql } from 'kysely';
import type { AuditLogTable, Database } from '../../db/index.js';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';
import type { AuditEntry, AuditEvent, AuditSink } from './audit-event.js';
import { createAuditRepo } from './audit-repo.js';
import { GENESIS_HASH, type HashableEntry, hashableFromRow, hashEntry } from './hash-entry.js';

/** Arbitrary constant naming the audit append lock among PostgreSQL advisory locks. */
const AUDIT_APPEND_LOCK_KEY = 0x6275_6c77;

export interface AuditLog extends AuditSink {
  listRecent: (limit: number, type?: string) => Promise<AuditEntry[]>;
}

/**
 * Appends events to the hash-chained log. Appends are serialised: in-process by a promise
 * chain, across PostgreSQL instances by a transaction-scoped advisory lock, and the unique
 * `seq` key refuses any fork that slipped through.
 */
export function createAuditLog(database: Database, now: () => number = Date.now): AuditLog {
  const repo = createAuditRepo(database.db);
  let tail: Promise<void> = Promise.resolve();

  const append = (event: AuditEvent) =>
    database.db.transaction().execute(async (trx) => {
      if (database.dialect === 'postgres') {
        await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY})`.execute(trx);
      }
      const last = await repo.findLast(trx);
      const entry: HashableEntry = {
        seq: (last?.seq ?? 0) + 1,
        atMs: now(),
        type: event.type,
        actor: event.actor ?? null,
        ip: event.ip ?? null,
        requestId: event.requestId ?? null,
        details: canonicalJson(event.details ?? {}),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      await repo.insert(toRow(entry, prevHash, hashEntry(prevHash, entry)), trx);
    });

  return {
    record(event) {
      const next = tail.then(() => append(event));
      tail = next.catch(() => undefined);
      return next;
    },
    async listRecent(limit, type) {
      return (await repo.listRecent(limit, type)).map(fromRow);
    },
  };
}

function toRow(entry: HashableEntry, prevHash: string, hash: string): AuditLogTable {
  const { atMs, requestId, ...rest } = entry;
  return { ...rest, at_ms: atMs, request_id: requestId, prev_hash: prevHash, hash };
}

export function fromRow(row: AuditLogTable): AuditEntry {
  return {
    ...hashableFromRow(row),
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
