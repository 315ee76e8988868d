import type { Database } from '../../db/index.js';
import { createAuditRepo } from './audit-repo.js';
import { GENESIS_HASH, hashableFromRow, hashEntry } from './hash-entry.js';

export type ChainVerdict =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenSeq: number; reason: string };

/** Read the log in pages so verifying a large log keeps memory flat. */
const PAGE_SIZE = 1000;

/**
 * Walks the whole chain and names the first entry that does not follow: a changed entry
 * (hash mismatch), a removed one (sequence gap) or a re-linked one (previous hash mismatch).
 */
export async function verifyAuditChain(database: Database): Promise<ChainVerdict> {
  const repo = createAuditRepo(database.db);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await repo.listAfter(expectedSeq - 1, PAGE_SIZE);
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      const broken = (reason: string): ChainVerdict => ({ ok: false, checked, brokenSeq: row.seq, reason });
      if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
      if (row.prev_hash !== prevHash) return broken('its link to the previous entry does not match');
      const recomputed = hashEntry(prevHash, hashableFromRow(row));
      if (recomputed !== row.hash) return broken('its content was changed after it was written');
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
  }
}
