import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditSink } from '../audit/index.js';
import { type WriteBackupOptions, type WrittenBackup, writeBackup } from './write-backup.js';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `bulwark-20261205T143000123Z.bwb`: names sort by time, so retention keeps the newest. */
const SCHEDULED_NAME = /^bulwark-\d{8}T\d{9}Z\.bwb$/;

/** `90m`, `6h`, `1d` as milliseconds; 0 for an empty schedule (none). The config schema allows only these forms. */
export function scheduleIntervalMs(schedule: string): number {
  const match = /^(\d+)([mhd])$/.exec(schedule);
  return match ? Number(match[1]) * (UNIT_MS[match[2] ?? 'd'] ?? 0) : 0;
}

export function scheduledBackupName(at: Date): string {
  return `bulwark-${at.toISOString().replace(/[-:.]/g, '')}.bwb`;
}

export interface BackupScheduleOptions {
  /** What each backup copies; `out` is chosen per run. */
  backup: Omit<WriteBackupOptions, 'out' | 'progress' | 'sealing'>;
  /**
   * The master-key-mode backup key, asked for at every run: the master key may have been
   * replaced (`bulwark keys rotate --master`) since the server started, and a backup sealed
   * under a replaced key would not open with the key that opens the data inside it.
   */
  backupKey: () => Promise<Buffer>;
  intervalMs: number;
  dir: string;
  keep: number;
  audit: AuditSink;
  now: () => number;
  /** Told when a round fails (also audited as `backup.failed`). */
  onProblem: (message: string) => void;
}

export interface BackupSchedule {
  /** One backup now, then retention; resolves with it, or null when it failed (reported and audited). */
  runOnce: () => Promise<WrittenBackup | null>;
  start: () => void;
  stop: () => Promise<void>;
}

/** Deletes the oldest scheduled backups in `dir` beyond `keep`; other files there are left alone. */
export async function pruneScheduledBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => SCHEDULED_NAME.test(name)).sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}

/** Backups every `intervalMs` by the server, audited (`backup.created`, `backup.failed`), the newest `keep` kept. */
export function createBackupSchedule(options: BackupScheduleOptions): BackupSchedule {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<WrittenBackup | null> = Promise.resolve(null);

  const backupOnce = async (): Promise<WrittenBackup | null> => {
    const out = join(options.dir, scheduledBackupName(new Date(options.now())));
    try {
      await mkdir(options.dir, { recursive: true, mode: 0o700 });
      const backupKey = await options.backupKey();
      const written = await writeBackup({ ...options.backup, sealing: { mode: 'master-key', backupKey }, out });
      const deleted = await pruneScheduledBackups(options.dir, options.keep);
      const files = written.manifest.entries.filter((entry) => entry.name.startsWith('files/')).length;
      await options.audit.record({
        type: 'backup.created',
        actor: 'system',
        details: {
          file: out,
          bytes: written.bytes,
          keyMode: 'master-key',
          files,
          scheduled: true,
          deletedOld: deleted.length,
        },
      });
      return written;
    } catch (error) {
      // The code only (ENOSPC, EACCES, pg_dump): a driver's or tool's message stays out of the chain.
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).name ?? 'error';
      options.onProblem(`scheduled backup to ${out} failed: ${(error as Error).message}`);
      await options.audit.record({
        type: 'backup.failed',
        actor: 'system',
        details: { file: out, reason, scheduled: true },
      });
      return null;
    }
  };

  const runOnce = () => {
    // One backup at a time: a slow one delays the next instead of running beside it.
    running = running.then(backupOnce, backupOnce);
    return running;
  };

  return {
    runOnce,
    start() {
      if (options.intervalMs === 0 || timer) return;
      timer = setInterval(() => void runOnce(), options.intervalMs);
      // A periodic chore must not keep a stopping process alive.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
