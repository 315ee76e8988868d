import { sql } from 'kysely';
import { type AuditLogTable, type Database, writeTransaction } from '../../db/index.js';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';
import type { AuditEntry, AuditEvent, AuditSink } from './audit-event.js';
import { createAuditRepo } from './audit-repo.js';
import type { ChainHead } from './chain-checkpoint.js';
import { createCheckpointAnchor } from './checkpoint-anchor.js';
import { CHAIN_VERSION_KEYED, GENESIS_HASH, type HashableEntry, hashableFromRow, macEntry } from './hash-entry.js';

/** Arbitrary constant naming the audit append lock among PostgreSQL advisory locks. */
export const AUDIT_APPEND_LOCK_KEY = 0x6275_6c77;

export interface AuditLog extends AuditSink {
  listRecent: (limit: number, type?: string) => Promise<AuditEntry[]>;
  /** Resolves once every event recorded so far is stored and the checkpoint moved past it. */
  flush: () => Promise<void>;
  /** At shutdown: flushes, then anchors the newest entry of the log (another instance's too). */
  close: () => Promise<void>;
  /**
   * Calls `listener` after each event is stored, before `record` resolves (webhooks turn some
   * security events into deliveries). A listener's failure is reported, never the caller's.
   */
  onRecorded: (listener: AuditListener) => void;
}

export type AuditListener = (event: AuditEvent) => Promise<void>;

export interface AuditLogOptions {
  /** HMAC key of the chain (`deriveKey('audit-chain')`). */
  chainKey: Buffer;
  /** Where the signed checkpoint lives (in the data folder) and its key (`deriveKey('audit-checkpoint')`). */
  checkpoint: { path: string; key: Buffer };
  /** Told when the checkpoint cannot be written or stops moving; the server logs it. */
  onProblem?: (message: string) => void;
  now?: () => number;
}

/**
 * Appends events to the keyed hash chain. Appends are serialised: in-process by a promise
 * chain, across PostgreSQL instances by a transaction-scoped advisory lock, and the unique
 * `seq` key refuses any fork that slipped through. Events recorded while others are queued form
 * a batch; when the queue empties, the checkpoint file is moved to the newest entry. Callers
 * wait for their entry to be stored, not for the file.
 */
export function createAuditLog(database: Database, options: AuditLogOptions): AuditLog {
  const repo = createAuditRepo(database.db);
  const now = options.now ?? Date.now;
  const onProblem = options.onProblem ?? (() => {});
  const anchor = createCheckpointAnchor({
    ...options.checkpoint,
    findHash: repo.findHash,
    findPrunedThrough: repo.findPrunedThrough,
    now,
    onProblem,
  });
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let newest: ChainHead | null = null;
  const listeners: AuditListener[] = [];
  const notify = async (event: AuditEvent) => {
    for (const listener of listeners) {
      await listener(event).catch((error: unknown) =>
        onProblem(`audit listener failed on ${event.type}: ${(error as Error).message}`),
      );
    }
  };

  const append = (event: AuditEvent) =>
    // Read-then-write: immediate on SQLite, so a command appending beside a busy server waits its turn.
    writeTransaction(database, async (trx): Promise<ChainHead> => {
      if (database.dialect === 'postgres') {
        await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY})`.execute(trx);
      } else {
        // SQLite: take the write lock before reading the head. A transaction that reads first
        // and then writes fails at once (SQLITE_BUSY, busy_timeout does not apply) when another
        // process appended in between: a command (`backup`, `sessions revoke`) beside the
        // server. A write statement first waits for the lock instead; it changes no row.
        await sql`UPDATE audit_log SET seq = seq WHERE 0`.execute(trx);
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
      const hash = macEntry(options.chainKey, prevHash, entry);
      await repo.insert(toRow(entry, prevHash, hash), trx);
      return { seq: entry.seq, hash };
    });

  /** After the last event of a batch: anchor the newest entry this batch wrote. */
  const anchorBatch = async () => {
    if (queued > 0 || !newest) return;
    const head = newest;
    newest = null;
    await anchor.advance(head);
  };

  return {
    record(event) {
      queued += 1;
      const stored = tail.then(() => append(event));
      const settled = stored.then(
        (head) => {
          queued -= 1;
          newest = head;
        },
        () => {
          queued -= 1;
        },
      );
      // A failed anchoring must not stop the appends queued behind it.
      tail = settled
        .then(anchorBatch)
        .catch((error: unknown) => onProblem(`audit checkpoint not moved: ${(error as Error).message}`));
      return stored.then(() => notify(event));
    },
    onRecorded: (listener) => {
      listeners.push(listener);
    },
    async listRecent(limit, type) {
      return (await repo.listRecent(limit, type)).map(fromRow);
    },
    flush: () => tail,
    async close() {
      await tail;
      try {
        const last = await repo.findLast();
        if (last) await anchor.advance(last);
      } catch (error) {
        onProblem(`audit checkpoint not moved at shutdown: ${(error as Error).message}`);
      }
    },
  };
}

function toRow(entry: HashableEntry, prevHash: string, hash: string): AuditLogTable {
  const { atMs, requestId, ...rest } = entry;
  return { ...rest, at_ms: atMs, request_id: requestId, prev_hash: prevHash, hash, chain_version: CHAIN_VERSION_KEYED };
}

export function fromRow(row: AuditLogTable): AuditEntry {
  return {
    ...hashableFromRow(row),
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
