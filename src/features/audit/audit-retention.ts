import { type Kysely, sql } from 'kysely';
import type { AuditLogTable, Database, DatabaseTables } from '../../db/index.js';
import { AUDIT_APPEND_LOCK_KEY } from './audit-service.js';
import { CHAIN_VERSION_SHA256, expectedHash, hashableFromRow } from './hash-entry.js';
import {
  type ChainStart,
  checkAnchor,
  DAY_MS,
  GENESIS_START,
  type RetentionAnchor,
  signAnchor,
  startOf,
} from './retention-anchor.js';

/**
 * Entries deleted per transaction: each round holds the append lock, so appends wait for at
 * most one round (a few milliseconds), and a first pruning of a large log is many short rounds.
 */
const PRUNE_ROUND_ENTRIES = 2000;

export interface PruneOptions {
  retentionDays: number;
  chainKey: Buffer;
  /** `deriveKey('audit-retention')`. */
  retentionKey: Buffer;
  now: () => number;
}

export type PruneResult =
  | { ok: true; deleted: number; throughSeq: number | null }
  | { ok: false; deleted: number; reason: string };

/**
 * Deletes the entries older than `retentionDays`, oldest first, behind a sealed checkpoint:
 * each round first checks that the entries it will delete still chain from the newest anchor
 * (so pruning never erases the evidence of an edit), then signs an anchor naming the last of
 * them, then deletes them (the trigger of migration 0010 lets DELETE through only up to the
 * newest anchor). The newest entry is never deleted: the checkpoint file names it.
 */
export async function pruneAuditLog(database: Database, options: PruneOptions): Promise<PruneResult> {
  let deleted = 0;
  let throughSeq: number | null = null;
  for (;;) {
    const round = await database.db.transaction().execute((trx) => pruneRound(database, trx, options));
    if (!round.ok) return { ok: false, deleted, reason: round.reason };
    if (round.deleted === 0) return { ok: true, deleted, throughSeq };
    deleted += round.deleted;
    throughSeq = round.throughSeq;
  }
}

type RoundResult = { ok: true; deleted: number; throughSeq: number } | { ok: false; reason: string };

async function pruneRound(
  database: Database,
  trx: Kysely<DatabaseTables>,
  options: PruneOptions,
): Promise<RoundResult> {
  if (database.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY})`.execute(trx);
  const newest = await trx
    .selectFrom('audit_retention')
    .selectAll()
    .orderBy('through_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (newest) {
    const problem = checkAnchor(options.retentionKey, newest);
    if (problem) return { ok: false, reason: `retention anchor at entry ${newest.through_seq}: ${problem}` };
  }
  const start = newest ? startOf(newest) : GENESIS_START;
  const head = await trx.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const rows = await trx
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', start.seq)
    .orderBy('seq', 'asc')
    .limit(PRUNE_ROUND_ENTRIES)
    .execute();
  const prunedAtMs = options.now();
  const cutoffMs = prunedAtMs - options.retentionDays * DAY_MS;
  const doomed = takeWhile(rows, (row) => row.at_ms < cutoffMs && row.seq < (head?.seq ?? 0));
  const last = doomed.at(-1);
  if (!last) return { ok: true, deleted: 0, throughSeq: start.seq };
  const problem = findBreak(doomed, start, options.chainKey);
  if (problem) return { ok: false, reason: problem };
  const anchor: RetentionAnchor = {
    through_seq: last.seq,
    through_hash: last.hash,
    through_at_ms: last.at_ms,
    chain_version: last.chain_version,
    pruned_at_ms: prunedAtMs,
    retention_days: options.retentionDays,
  };
  await trx
    .insertInto('audit_retention')
    .values({ ...anchor, mac: signAnchor(options.retentionKey, anchor) })
    .execute();
  await trx.deleteFrom('audit_log').where('seq', '<=', last.seq).execute();
  return { ok: true, deleted: doomed.length, throughSeq: last.seq };
}

function takeWhile<T>(items: T[], keep: (item: T) => boolean): T[] {
  const index = items.findIndex((item) => !keep(item));
  return index === -1 ? items : items.slice(0, index);
}

/** Why `rows` do not chain on from `start`, or null when every one verifies. */
function findBreak(rows: AuditLogTable[], start: ChainStart, chainKey: Buffer): string | null {
  let prev = start;
  for (const row of rows) {
    const version = row.chain_version ?? CHAIN_VERSION_SHA256;
    const isIntact =
      row.seq === prev.seq + 1 &&
      row.prev_hash === prev.hash &&
      version >= prev.chainVersion &&
      expectedHash(version, chainKey, row.prev_hash, hashableFromRow(row)) === row.hash;
    if (!isIntact) return `entry ${row.seq} does not verify, so it is kept as evidence; run \`bulwark log verify\``;
    prev = { seq: row.seq, hash: row.hash, chainVersion: version };
  }
  return null;
}
