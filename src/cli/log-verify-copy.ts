import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { FrozenConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import { type CopyVerdict, findShippedThrough, verifyShippedCopy } from '../features/audit/index.js';
import { CliError, counted, type Output } from './output.js';

/** How each finding about the copy is named on its line. */
const COPY_FINDING_LABELS = {
  'copy-missing': 'missing from copy',
  'copy-altered': 'altered in copy',
  'copy-extra': 'extra in copy',
  'copy-unreadable': 'unreadable in copy',
} as const;

/**
 * `log verify --against FILE`: holds a shipped copy (the receiver's file) against the local
 * chain. Entries up to the configured receiver's cursor must be in it, so a copy that lost
 * entries on the way is caught even when they were the newest.
 */
export async function verifyCopyFile(
  file: string,
  context: { config: FrozenConfig; database: Database; chainKey: Buffer },
): Promise<CopyVerdict> {
  await access(file, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      `cannot read ${file} (${error.code ?? error.message}); fix: name the receiver's copy of the audit log`,
    );
  });
  const url = context.config.audit.syslog.url;
  const shippedThroughSeq = url ? await findShippedThrough(context.database, url) : null;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  return verifyShippedCopy({ database: context.database, chainKey: context.chainKey, lines, shippedThroughSeq });
}

export function reportCopy(file: string, verdict: CopyVerdict, out: Output): void {
  for (const finding of verdict.findings) out.line(`${COPY_FINDING_LABELS[finding.kind]}: ${finding.message}`);
  if (verdict.findingsOmitted > 0) out.line(`… and ${counted(verdict.findingsOmitted, 'finding')} more`);
  const notes = [
    verdict.duplicates > 0 ? `${counted(verdict.duplicates, 'duplicate')} (resent after an outage)` : '',
    verdict.notYetShipped > 0
      ? `${counted(verdict.notYetShipped, 'newer entry', 'newer entries')} not shipped yet`
      : '',
    verdict.olderThanLocal > 0 ? `${counted(verdict.olderThanLocal, 'entry', 'entries')} older than the local log` : '',
  ].filter(Boolean);
  const tail = notes.length > 0 ? `; ${notes.join(', ')}` : '';
  if (verdict.ok) out.line(`shipped copy ${file} matches: ${counted(verdict.matched, 'entry', 'entries')}${tail}`);
  else out.line(`shipped copy ${file} does NOT match the local log${tail}`);
}
