import { type AuditSink, createAuditThinner } from '../audit/index.js';
import type { FileStore, MalwareScanner } from './file-store.js';
import type { FileRow, FilesRepo } from './files-repo.js';

/**
 * Failed scans audited per file per minute (the count held back goes with the next): a pending
 * file is scanned again each time it is asked for, so while clamd is down a client polling it
 * must not be able to fill the audit log.
 */
const FAILURES_AUDITED_PER_FILE_PER_MINUTE = 1;

/**
 * The malware-scan hook: a file saved while a scanner is configured is `pending` (not served)
 * until its bytes, streamed back from the store, are found clean. An infected file loses its
 * bytes and keeps its row as `infected` (downloads answer 404); a scan that cannot decide
 * leaves it pending, and it is scanned again when next asked for (clamd was down, or the server
 * stopped mid-scan). Scans run after the upload answers; `settle` waits for those in flight.
 */
export function createFileScanQueue(deps: {
  scanner: MalwareScanner;
  repo: FilesRepo;
  store: FileStore;
  audit: AuditSink;
  /** Called after a file is found infected (the record stops listing it). */
  onInfected: (row: FileRow) => Promise<unknown>;
}) {
  /** One scan per file at a time, however often a pending file is asked for. */
  const inFlight = new Map<string, Promise<void>>();
  const failures = createAuditThinner({ perWindow: FAILURES_AUDITED_PER_FILE_PER_MINUTE, windowMs: 60_000 });

  const scan = async (row: FileRow) => {
    const body = await deps.store.get(row.store_key);
    if (!body) return;
    const verdict = await deps.scanner.scan(body, { sizeBytes: row.size_bytes }).catch((error: unknown) => ({
      status: 'error' as const,
      reason: error instanceof Error ? error.message : 'scanner failed',
    }));
    const subject = { fileId: row.id, collection: row.collection, recordId: row.record_id, field: row.field };
    if (verdict.status === 'clean') {
      await deps.repo.setStatus(row.id, 'clean');
    } else if (verdict.status === 'infected') {
      await deps.store.delete(row.store_key);
      await deps.repo.setStatus(row.id, 'infected');
      await deps.audit.record({
        type: 'file.infected',
        actor: 'system',
        details: { ...subject, signature: verdict.signature, sha256: row.sha256 },
      });
      await deps.onInfected(row);
    } else {
      const { record, heldBack } = failures.admit(row.id, Date.now());
      const details = { ...subject, reason: verdict.reason, ...(heldBack > 0 ? { heldBack } : {}) };
      if (record) await deps.audit.record({ type: 'file.scan.failure', actor: 'system', details });
    }
  };

  return {
    /** Scans `row` after the caller has answered, unless a scan of it is already running. */
    enqueue(row: FileRow): void {
      if (inFlight.has(row.id)) return;
      const task = scan(row)
        .catch(() => undefined)
        .finally(() => inFlight.delete(row.id));
      inFlight.set(row.id, task);
    },
    settle: async () => {
      await Promise.all([...inFlight.values()]);
    },
  };
}
