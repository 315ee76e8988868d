import type { AuditLogTable, Database } from '../../db/index.js';
import { createAuditRepo } from './audit-repo.js';
import type { ChainHead } from './chain-checkpoint.js';
import { CHAIN_VERSION_SHA256, expectedHash, hashableFromRow } from './hash-entry.js';
import { type ChainStart, GENESIS_START } from './retention-anchor.js';

export type ChainVerdict =
  | { ok: true; checked: number; unkeyed: number; head: ChainHead | null }
  | { ok: false; checked: number; brokenSeq: number; reason: string };

/** Read the log in pages so verifying a large log keeps memory flat. */
const PAGE_SIZE = 1000;

/**
 * Walks the whole chain and names the first entry that does not follow: a changed entry or one
 * re-hashed without the key (hash mismatch), a removed one (sequence gap), a re-linked one
 * (previous hash mismatch) or a keyed entry turned back into a plain one (version going down).
 * `onEntry` sees each verified entry, so a caller can compare one with its checkpoint. After a
 * pruning, `start` is the retention anchor: the walk begins right after the last deleted entry.
 */
export async function verifyAuditChain(
  database: Database,
  chainKey: Buffer,
  onEntry: (head: ChainHead) => void = () => {},
  start: ChainStart = GENESIS_START,
): Promise<ChainVerdict> {
  const repo = createAuditRepo(database.db);
  let prevHash = start.hash;
  let highestVersion = Math.max(CHAIN_VERSION_SHA256, start.chainVersion);
  let expectedSeq = start.seq + 1;
  let checked = 0;
  let unkeyed = 0;
  for (;;) {
    const rows = await repo.listAfter(expectedSeq - 1, PAGE_SIZE);
    if (rows.length === 0) {
      const head = expectedSeq === 1 ? null : { seq: expectedSeq - 1, hash: prevHash };
      return { ok: true, checked, unkeyed, head };
    }
    for (const row of rows) {
      const version = versionOf(row);
      const problem = findProblem(row, { expectedSeq, prevHash, highestVersion, version, chainKey });
      if (problem) return { ok: false, checked, brokenSeq: row.seq, reason: problem };
      highestVersion = version;
      if (version === CHAIN_VERSION_SHA256) unkeyed += 1;
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
      onEntry({ seq: row.seq, hash: row.hash });
    }
  }
}

interface ChainPosition {
  expectedSeq: number;
  prevHash: string;
  highestVersion: number;
  version: number;
  chainKey: Buffer;
}

/** Why `row` does not follow the chain at this position, or null when it does. */
function findProblem(row: AuditLogTable, at: ChainPosition): string | null {
  if (row.seq !== at.expectedSeq) return `entry ${at.expectedSeq} is missing`;
  if (row.prev_hash !== at.prevHash) return 'its link to the previous entry does not match';
  if (at.version < at.highestVersion) return 'it carries a plain hash after keyed entries (re-hashed without the key)';
  if (expectedHash(at.version, at.chainKey, at.prevHash, hashableFromRow(row)) !== row.hash) {
    return 'its content was changed after it was written, or it was re-hashed without the key';
  }
  return null;
}

/** A database not yet migrated to the keyed chain has no version column: all its entries are plain. */
function versionOf(row: AuditLogTable): number {
  return (row as Partial<AuditLogTable>).chain_version ?? CHAIN_VERSION_SHA256;
}

/**
 * Checks only the newest `count` entries: each one's hash over its own content and link, each
 * link to the entry before, and no gap in between. Cheap enough for every scrape (one indexed
 * read); it catches a recent entry changed, removed or re-linked, not an old one (the full walk
 * of `verifyAuditChain` and `bulwark log verify` does that).
 */
export async function verifyNewestAuditEntries(database: Database, chainKey: Buffer, count: number): Promise<boolean> {
  const rows = (await createAuditRepo(database.db).listRecent(count)).reverse();
  let highestVersion = CHAIN_VERSION_SHA256;
  for (const [index, row] of rows.entries()) {
    const previous = rows[index - 1];
    const version = versionOf(row);
    const position = {
      expectedSeq: previous ? Number(previous.seq) + 1 : Number(row.seq),
      prevHash: previous ? previous.hash : row.prev_hash,
      highestVersion,
      version,
      chainKey,
    };
    if (findProblem(row, position) !== null) return false;
    highestVersion = version;
  }
  return true;
}
