import type { AuditLogTable, Database } from '../../../db/index.js';
import { createAuditRepo } from '../audit-repo.js';
import { expectedHash, hashableFromRow } from '../hash-entry.js';
import { type CopiedEntry, parseCopyLine } from './shipped-copy.js';

export type CopyFindingKind = 'copy-missing' | 'copy-altered' | 'copy-extra' | 'copy-unreadable';

export interface CopyFinding {
  kind: CopyFindingKind;
  seq?: number;
  message: string;
}

export interface CopyVerdict {
  ok: boolean;
  findings: CopyFinding[];
  /** Findings past the first MAX_FINDINGS, counted but not listed. */
  findingsOmitted: number;
  /** Local entries found in the copy with the same hash. */
  matched: number;
  /** Repeated lines of one entry (at-least-once delivery resends after an outage). */
  duplicates: number;
  /** Local entries after the newest one the copy must hold: not shipped yet. */
  notYetShipped: number;
  /** Entries in the copy older than the oldest local entry (pruned here, kept there). */
  olderThanLocal: number;
}

/** A copy that is wholly wrong would otherwise print one line per entry. */
const MAX_FINDINGS = 100;
const PAGE_SIZE = 1000;

/**
 * Holds a shipped copy of the audit log against the local chain: each line must be an entry
 * whose hash is right under the chain key (so it was not edited on the way or in the file) and
 * links to its predecessor in the copy; every local entry up to `shippedThroughSeq` (the
 * target's cursor) or the newest entry of the copy must be in it with the same hash; and the
 * copy may hold nothing the local log lacks, except entries older than its oldest (pruned).
 * Duplicates of an entry are allowed: delivery is at least once.
 */
export async function verifyShippedCopy(options: {
  database: Database;
  chainKey: Buffer;
  lines: AsyncIterable<string>;
  shippedThroughSeq: number | null;
}): Promise<CopyVerdict> {
  const findings: CopyFinding[] = [];
  let omitted = 0;
  const report = (finding: CopyFinding) => {
    if (findings.length < MAX_FINDINGS) findings.push(finding);
    else omitted += 1;
  };
  const { copy, duplicates } = await readCopy(options.lines, options.chainKey, report);
  checkLinks(copy, report);
  let copyNewest = 0;
  for (const seq of copy.keys()) copyNewest = Math.max(copyNewest, seq);
  const mustHoldThrough = Math.max(copyNewest, options.shippedThroughSeq ?? 0);
  const local = await compareWithLocal(options.database, copy, mustHoldThrough, report);
  for (const [seq, copied] of copy) {
    if (local.oldestSeq !== null && seq < local.oldestSeq) continue;
    report({
      kind: 'copy-extra',
      seq,
      message: `entry ${seq} (line ${copied.lineNumber}) is in the copy but not in the local log: removed here after it was shipped, or forged in the copy`,
    });
  }
  const olderThanLocal = [...copy.keys()].filter((seq) => local.oldestSeq !== null && seq < local.oldestSeq).length;
  return {
    ok: findings.length === 0,
    findings,
    findingsOmitted: omitted,
    matched: local.matched,
    duplicates,
    notYetShipped: local.notYetShipped,
    olderThanLocal,
  };
}

/** Reads every line: unreadable ones, entries whose hash is wrong, and conflicting repeats are findings. */
async function readCopy(lines: AsyncIterable<string>, chainKey: Buffer, report: (finding: CopyFinding) => void) {
  const copy = new Map<number, CopiedEntry>();
  let duplicates = 0;
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    const line = parseCopyLine(text, lineNumber);
    if (!line) continue;
    if (line.kind === 'unreadable') {
      report({ kind: 'copy-unreadable', message: `line ${line.lineNumber}: ${line.reason}` });
      continue;
    }
    const { copied } = line;
    const { seq } = copied.entry;
    if (expectedHash(copied.chainVersion, chainKey, copied.prevHash, copied.entry) !== copied.hash) {
      report({
        kind: 'copy-altered',
        seq,
        message: `line ${lineNumber} (entry ${seq}): its content does not match its hash: changed after it was shipped`,
      });
      continue;
    }
    const earlier = copy.get(seq);
    if (earlier && earlier.hash === copied.hash) duplicates += 1;
    else if (earlier) {
      report({
        kind: 'copy-altered',
        seq,
        message: `lines ${earlier.lineNumber} and ${lineNumber} carry two different entries ${seq}`,
      });
    } else copy.set(seq, copied);
  }
  return { copy, duplicates };
}

/** An entry whose predecessor is in the copy must link to it: a forged plain-hash line cannot. */
function checkLinks(copy: Map<number, CopiedEntry>, report: (finding: CopyFinding) => void): void {
  for (const [seq, copied] of copy) {
    const previous = copy.get(seq - 1);
    if (previous && copied.prevHash !== previous.hash) {
      report({
        kind: 'copy-altered',
        seq,
        message: `line ${copied.lineNumber} (entry ${seq}) does not link to entry ${seq - 1} (line ${previous.lineNumber})`,
      });
    }
  }
}

/** Walks the local log page by page, matching each entry with the copy; matched entries leave `copy`. */
async function compareWithLocal(
  database: Database,
  copy: Map<number, CopiedEntry>,
  mustHoldThrough: number,
  report: (finding: CopyFinding) => void,
) {
  const repo = createAuditRepo(database.db);
  let oldestSeq: number | null = null;
  let matched = 0;
  let notYetShipped = 0;
  let after = 0;
  for (;;) {
    const rows: AuditLogTable[] = await repo.listAfter(after, PAGE_SIZE);
    if (rows.length === 0) break;
    for (const row of rows) {
      oldestSeq ??= row.seq;
      after = row.seq;
      const copied = copy.get(row.seq);
      copy.delete(row.seq);
      if (copied && copied.hash === row.hash) matched += 1;
      else if (copied) report(differs(row, copied));
      else if (row.seq <= mustHoldThrough) {
        report({ kind: 'copy-missing', seq: row.seq, message: `entry ${row.seq} (${row.type}) is not in the copy` });
      } else notYetShipped += 1;
    }
  }
  return { oldestSeq, matched, notYetShipped };
}

function differs(row: AuditLogTable, copied: CopiedEntry): CopyFinding {
  const local = hashableFromRow(row);
  const fields = (Object.keys(local) as Array<keyof typeof local>).filter((key) => local[key] !== copied.entry[key]);
  const what = fields.length > 0 ? `: ${fields.join(', ')} differ` : ': the hashes differ';
  return {
    kind: 'copy-altered',
    seq: row.seq,
    message: `entry ${row.seq} in the copy (line ${copied.lineNumber}) is not the local entry${what}`,
  };
}
