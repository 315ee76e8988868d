import { join } from 'node:path';
import { sql } from 'kysely';
import { describeData, unlockForReading } from '../app/key-check.js';
import { loadMasterKey } from '../app/master-key.js';
import { refusalLines, StartRefusedError } from '../app/start-refused.js';
import type { FrozenConfig } from '../config/index.js';
import { createDatabase } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { checkpointPath, type LogVerdict, verifyAuditLog } from '../features/audit/index.js';
import { deriveKey } from '../lib/crypto/derive-key.js';
import { requireInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { reportCopy, verifyCopyFile } from './log-verify-copy.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from './output.js';

/** How each finding is named on its line, so an operator can tell them apart at a glance. */
const FINDING_LABELS = {
  'entry-altered': 'entry altered',
  'tail-truncated': 'tail truncated',
  'checkpoint-missing': 'checkpoint missing',
  'checkpoint-invalid': 'checkpoint forged or invalid',
  'retention-anchor-invalid': 'retention anchor forged or invalid',
} as const;

/**
 * `bulwark log verify`: checks the keyed chain and holds its head against the signed checkpoint
 * in the data folder; with `--against FILE`, also holds a shipped copy against the chain. Exit 0
 * when all hold, 1 with one line per finding.
 */
export async function runLogVerify(flags: CommonFlags & { against?: string }, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const sqlitePath = join(config.dataDir, 'bulwark.db');
  const masterKey = readMasterKey(config);
  const database = createDatabase({ url: config.database.url, sqlitePath });
  try {
    await sql`SELECT seq FROM audit_log LIMIT 1`.execute(database.db).catch(() => {
      throw new CliError('this database has no audit log yet; fix: start the server once with this data folder');
    });
    // A wrong key would report every keyed entry as altered; name the real problem instead.
    // Keys are derived from the root the master key unlocks (itself until a master-key rotation).
    const root = await unlockForReading(database, masterKey, config, describeData(config)).catch((error: unknown) => {
      if (!(error instanceof StartRefusedError)) throw error;
      throw new CliError(refusalLines(error));
    });
    const chainKey = deriveKey(root, 'audit-chain');
    const verdict = await verifyAuditLog({
      database,
      chainKey,
      checkpoint: { path: checkpointPath(config.dataDir), key: deriveKey(root, 'audit-checkpoint') },
      retentionKey: deriveKey(root, 'audit-retention'),
    });
    report(verdict, out);
    if (flags.against === undefined) return verdict.ok ? 0 : EXIT_FINDINGS;
    const copy = await verifyCopyFile(flags.against, { config, database, chainKey });
    reportCopy(flags.against, copy, out);
    return verdict.ok && copy.ok ? 0 : EXIT_FINDINGS;
  } finally {
    await database.close();
  }
}

/** The keyed chain cannot be checked without the server's master key; never create one here. */
function readMasterKey(config: FrozenConfig): Buffer {
  try {
    const key = loadMasterKey(config.dataDir, config.masterKey);
    if (key) return key;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.detail ?? 'the master key is not usable');
    throw error;
  }
  throw new CliError(
    `no master key in ${config.dataDir} and BULWARK_MASTER_KEY is not set; fix: run with the server's data folder (--data) or its BULWARK_MASTER_KEY`,
  );
}

function report(verdict: LogVerdict, out: Output): void {
  for (const finding of verdict.findings) out.line(`${FINDING_LABELS[finding.kind]}: ${finding.message}`);
  if (!verdict.ok) {
    out.line(`audit log NOT verified: ${counted(verdict.findings.length, 'finding')}`);
    return;
  }
  const { checked, unkeyed, checkpoint, retention } = verdict;
  const older = unkeyed > 0 ? ` (${unkeyed} from before keyed hashing, plain SHA-256)` : '';
  out.line(`audit log intact: ${counted(checked, 'entry', 'entries')} verified${older}`);
  const prunedThrough = retention?.through_seq ?? 0;
  if (retention) {
    const at = new Date(retention.pruned_at_ms).toISOString();
    out.line(
      `entries 1 to ${prunedThrough} were pruned at ${at} (retention ${retention.retention_days} days); the signed anchor matches the chain after them`,
    );
  }
  if (checkpoint && checkpoint.seq >= prunedThrough) {
    const at = new Date(checkpoint.writtenAtMs).toISOString();
    const after = prunedThrough + checked - checkpoint.seq;
    out.line(`checkpoint of ${at} matches entry ${checkpoint.seq}; ${counted(after, 'entry', 'entries')} after it`);
  }
}
