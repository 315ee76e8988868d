import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { openCore, StartRefusedError } from '../app/open-core.js';
import { refusalLines } from '../app/start-refused.js';
import type { AuditLogTable, Database } from '../db/index.js';
import { auditEntryFromRow, countAuditRange, readAuditRange } from '../features/audit/index.js';
import { parseIsoInstant } from '../lib/time/iso-instant.js';
import { requireInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS } from './output.js';
import { type Progress, startProgress } from './progress.js';

export interface LogExportFlags extends CommonFlags {
  since?: string;
  until?: string;
  format?: string;
  output?: string;
}

export interface ExportStreams {
  stdout: Writable;
  /** The progress bar and the summary line; the bar only when it is a terminal. */
  stderr: NodeJS.WriteStream;
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^(\d{1,6})([mhd])$/;
/** Advance the bar every this many entries: often enough to move, rarely enough to cost nothing. */
const PROGRESS_EVERY_ENTRIES = 500;

interface ExportRange {
  fromMs: number;
  toMs: number | undefined;
}

/** A span in minutes, hours or days (`90m`, `24h`, `7d`) in milliseconds, or null for any other text. */
export function parseSpanMs(text: string): number | null {
  const relative = RELATIVE.exec(text);
  return relative ? Number(relative[1]) * (UNIT_MS[relative[2] ?? 'd'] ?? 0) : null;
}

/** `2026-12-01T00:00:00Z`, or a span back from now: `90m`, `24h`, `7d`. */
export function parseWhen(flag: string, text: string, nowMs: number): number {
  const spanMs = parseSpanMs(text);
  if (spanMs !== null) return nowMs - spanMs;
  const ms = parseIsoInstant(text);
  if (ms === null) {
    throw new CliError(
      `${flag} ${text} is not a time; fix: give an ISO-8601 instant (2026-12-01T00:00:00Z) or a span back from now (24h, 7d)`,
    );
  }
  return ms;
}

/** One JSON line per entry (`at` as an ISO instant), with the hashes, so a recipient holding the key can check the chain. */
function toLine(row: AuditLogTable): string {
  const { seq, atMs, ...rest } = auditEntryFromRow(row);
  return `${JSON.stringify({ seq, at: new Date(atMs).toISOString(), ...rest })}\n`;
}

/** A private new file: 0600, and never an existing one overwritten (nor a link followed into one). */
async function openOutput(path: string) {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${path} already exists; fix: choose another --output or remove it`);
    throw new CliError(`${path} cannot be created (${code ?? 'error'}); fix: choose a writable --output`);
  }
}

/** Writes the range's entries to `out` (waiting when it is full), with a progress bar on a terminal. */
async function writeRange(database: Database, range: ExportRange, out: Writable, stderr: NodeJS.WriteStream) {
  // Counting costs a query: only worth it when there is a bar to draw.
  const total = stderr.isTTY ? await countAuditRange(database, range) : 0;
  const progress = startProgress('export', 'entries', stderr);
  progress.setTotal(total);
  let written = 0;
  try {
    for await (const row of readAuditRange(database, range)) {
      if (!out.write(toLine(row))) await once(out, 'drain');
      written += 1;
      // Entries appended while exporting count too: the bar never runs past full.
      if (written % PROGRESS_EVERY_ENTRIES === 0) advance(progress, PROGRESS_EVERY_ENTRIES, written, total);
    }
    advance(progress, written % PROGRESS_EVERY_ENTRIES, written, total);
  } finally {
    progress.stop();
  }
  return written;
}

function advance(progress: Progress, amount: number, written: number, total: number): void {
  if (written > total) progress.setTotal(written);
  progress.advance(amount);
}

/** The range the flags name; usage errors before anything is opened. */
function rangeOf(flags: LogExportFlags): ExportRange {
  if ((flags.format ?? 'jsonl') !== 'jsonl') {
    throw new CliError(`unknown --format ${flags.format}; fix: use --format jsonl`);
  }
  if (flags.since === undefined) {
    throw new CliError('--since is required; fix: add --since 24h (or 7d, or an ISO-8601 instant)');
  }
  const nowMs = Date.now();
  const fromMs = parseWhen('--since', flags.since, nowMs);
  const toMs = flags.until === undefined ? undefined : parseWhen('--until', flags.until, nowMs);
  if (toMs !== undefined && toMs < fromMs) throw new CliError('--until is before --since; fix: swap them');
  return { fromMs, toMs };
}

/**
 * `bulwark log export --since … [--until …] [--format jsonl] [--output FILE]`: the audit entries
 * of a time range as JSON lines, read and written a page at a time (waiting when the reader is
 * slower), so a log of any size exports in flat memory. A progress bar goes to stderr only when
 * it is a terminal. The export itself is audited.
 */
export async function runLogExport(flags: LogExportFlags, streams: ExportStreams): Promise<number> {
  const range = rangeOf(flags);
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const file = flags.output === undefined ? null : await openOutput(flags.output);
  const core = await openCore(config).catch(async (error: unknown) => {
    await file?.close();
    if (!(error instanceof StartRefusedError)) throw error;
    throw new CliError(refusalLines(error), EXIT_FINDINGS);
  });
  try {
    const out = file ? file.createWriteStream() : streams.stdout;
    const written = await writeRange(core.database, range, out, streams.stderr);
    if (file) {
      out.end();
      await finished(out);
    }
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    await core.audit.record({
      type: 'audit.export',
      actor: 'cli',
      details: { since: iso(range.fromMs), until: iso(range.toMs), entries: written, to: flags.output ?? 'stdout' },
    });
    const where = flags.output ? ` to ${flags.output}` : '';
    streams.stderr.write(`exported ${counted(written, 'entry', 'entries')}${where}\n`);
    return 0;
  } finally {
    await file?.close().catch(() => {});
    await core.close();
  }
}
