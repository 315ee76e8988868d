import type { AuditSink } from '../audit/index.js';
import type { FileStore, MalwareScanner } from './file-store.js';
import type { FileRow, FilesRepo } from './files-repo.js';

/**
 * The malware-scan hook: a file saved while a scanner is configured is `pending` (not served)
 * until its bytes, streamed back from the store, are found clean. An infected file loses its
 * bytes and keeps its row as `infected` (downloads answer 404); a scan that cannot decide
 * leaves it pending. Scans run after the upload answers; `settle` waits for those in flight.
 */
export function createFileScanQueue(deps: {
  scanner: MalwareScanner;
  repo: FilesRepo;
  store: FileStore;
  audit: AuditSink;
  /** Called after a file is found infected (the record stops listing it). */
  onInfected: (row: FileRow) => Promise<unknown>;
}) {
  const inFlight = new Set<Promise<void>>();

  const scan = async (row: FileRow) => {
    const body = await deps.store.get(row.store_key);
    if (!body) return;
    const verdict = await deps.scanner.scan(body).catch((error: unknown) => ({
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
      await deps.audit.record({ type: 'file.scan.failure', actor: 'system', details: subject });
    }
  };

  return {
    enqueue(row: FileRow): void {
      const task = scan(row).catch(() => undefined);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    settle: async () => {
      await Promise.all([...inFlight]);
    },
  };
}

export type FileScanQueue = ReturnType<typeof createFileScanQueue>;
