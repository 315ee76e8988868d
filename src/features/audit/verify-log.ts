import type { AuditRetentionTable, Database } from '../../db/index.js';
import { type Checkpoint, readCheckpoint } from './chain-checkpoint.js';
import { type ChainStart, checkAnchor, GENESIS_START, listAnchors, startOf } from './retention-anchor.js';
import { verifyAuditChain } from './verify-chain.js';

export type LogFindingKind =
  | 'entry-altered'
  | 'tail-truncated'
  | 'checkpoint-missing'
  | 'checkpoint-invalid'
  | 'retention-anchor-invalid';

export interface LogFinding {
  kind: LogFindingKind;
  /** The entry concerned, when there is one. */
  seq?: number;
  message: string;
}

export interface LogVerdict {
  ok: boolean;
  /** Entries whose hash and link verified, and how many of them predate the keyed chain. */
  checked: number;
  unkeyed: number;
  checkpoint: Checkpoint | null;
  /** The retention anchor the chain was verified from (entries up to it were pruned), or null. */
  retention: AuditRetentionTable | null;
  findings: LogFinding[];
}

export interface VerifyLogOptions {
  database: Database;
  chainKey: Buffer;
  checkpoint: { path: string; key: Buffer };
  /** `deriveKey('audit-retention')`: checks the anchors that pruning signed. */
  retentionKey: Buffer;
}

/**
 * The newest anchor that the server's key signed, and a finding for each one it did not: a
 * forged anchor is how someone would make deleting the oldest entries, or more, look like pruning.
 */
async function chooseStart(options: VerifyLogOptions, findings: LogFinding[]) {
  let trusted: AuditRetentionTable | null = null;
  for (const anchor of await listAnchors(options.database)) {
    const problem = checkAnchor(options.retentionKey, anchor);
    if (problem) {
      findings.push({
        kind: 'retention-anchor-invalid',
        seq: anchor.through_seq,
        message: `the retention anchor for entries up to ${anchor.through_seq} is not trustworthy: ${problem}`,
      });
    } else if (!trusted) {
      trusted = anchor;
    }
  }
  return { anchor: trusted, start: trusted ? startOf(trusted) : GENESIS_START };
}

/**
 * Verifies the chain, then holds it against the signed checkpoint: the entry the checkpoint
 * names must exist with the hash it recorded. Entries after it are fine (another instance on
 * the same PostgreSQL may have appended since); entries missing up to it mean the tail was cut.
 */
export async function verifyAuditLog(options: VerifyLogOptions): Promise<LogVerdict> {
  const { path, key } = options.checkpoint;
  // The checkpoint first, then the log: a server still running only appends and then moves the
  // checkpoint, so every entry the checkpoint names is already in the log when the walk reads it.
  const reading = await readCheckpoint(path, key);
  const checkpoint = reading.status === 'valid' ? reading.checkpoint : null;
  const findings: LogFinding[] = [];
  const { anchor, start } = await chooseStart(options, findings);
  let hashAtCheckpoint: string | undefined = checkpoint?.seq === start.seq ? start.hash : undefined;
  const chain = await verifyAuditChain(
    options.database,
    options.chainKey,
    (entry) => {
      if (entry.seq === checkpoint?.seq) hashAtCheckpoint = entry.hash;
    },
    start,
  );
  if (!chain.ok) {
    findings.push({
      kind: 'entry-altered',
      seq: chain.brokenSeq,
      message: `entry ${chain.brokenSeq}: ${chain.reason} (${chain.checked} entries before it verified)`,
    });
  }
  if (reading.status === 'missing') {
    findings.push({
      kind: 'checkpoint-missing',
      message: `${path} does not exist, so removal of the newest entries cannot be ruled out; fix: if this server has not run since its upgrade, start it once (it writes the checkpoint) and verify again, else the file was deleted: investigate`,
    });
  }
  if (reading.status === 'invalid') {
    findings.push({ kind: 'checkpoint-invalid', message: `${path} is not trustworthy: ${reading.reason}` });
  }
  if (checkpoint && chain.ok)
    compareWithCheckpoint(checkpoint, chain.head?.seq ?? 0, hashAtCheckpoint, start, findings);
  const checked = chain.checked;
  const unkeyed = chain.ok ? chain.unkeyed : 0;
  return { ok: findings.length === 0, checked, unkeyed, checkpoint, retention: anchor, findings };
}

/**
 * The entry the checkpoint names must still be there with the hash it recorded. A checkpoint
 * older than the retention anchor names a pruned entry: the signed anchor vouches for it instead.
 */
function compareWithCheckpoint(
  checkpoint: Checkpoint,
  lastSeq: number,
  hashAtCheckpoint: string | undefined,
  start: ChainStart,
  findings: LogFinding[],
): void {
  if (checkpoint.seq < start.seq) return;
  const at = new Date(checkpoint.writtenAtMs).toISOString();
  if (lastSeq < checkpoint.seq) {
    findings.push({
      kind: 'tail-truncated',
      seq: lastSeq + 1,
      message: `the log ends at entry ${lastSeq} but the checkpoint written at ${at} records entry ${checkpoint.seq}: entries ${lastSeq + 1} to ${checkpoint.seq} were removed`,
    });
  } else if (hashAtCheckpoint !== checkpoint.hash) {
    findings.push({
      kind: 'entry-altered',
      seq: checkpoint.seq,
      message: `entry ${checkpoint.seq} does not match the checkpoint written at ${at}: the log up to it was replaced or re-hashed`,
    });
  }
}
