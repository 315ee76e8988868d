import type { AuditSink } from '../audit/index.js';
import type { FieldDefinition, RemovalListener } from '../collections/index.js';
import type { FileStore } from './file-store.js';
import type { FileRow, FilesRepo } from './files-repo.js';

/**
 * Deletes files: the row first (so nothing serves it any more), then the bytes. A store that
 * fails to delete leaves bytes nobody can reach (no row names their key); the failure is
 * audited so an operator can remove them.
 */
export function createFileRemover(deps: { repo: FilesRepo; store: FileStore; audit: AuditSink }) {
  const removeFiles = async (rows: readonly FileRow[], reason: string, actor = 'system') => {
    for (const row of rows) {
      await deps.repo.deleteById(row.id);
      await deps.store.delete(row.store_key).catch(() =>
        deps.audit.record({
          type: 'file.delete.failure',
          actor,
          details: { fileId: row.id, collection: row.collection, recordId: row.record_id, reason },
        }),
      );
    }
  };

  /** Files of removed records, dropped file fields and removed collections go with them. */
  const listener: RemovalListener = {
    async recordRemoved(collection, recordId) {
      const rows = await deps.repo.listOfRecord(collection, recordId);
      await removeFiles(rows, 'record deleted');
      if (rows.length > 0) await auditRemoval(deps.audit, 'record deleted', collection, rows.length, { recordId });
    },
    async fieldsDropped(collection, fields: readonly FieldDefinition[]) {
      const names = fields.filter((f) => f.type === 'file').map((f) => f.name);
      if (names.length === 0) return;
      const rows = await deps.repo.listOfCollection(collection, names);
      await removeFiles(rows, 'field dropped');
      if (rows.length > 0) await auditRemoval(deps.audit, 'field dropped', collection, rows.length, { fields: names });
    },
    async collectionRemoved(collection) {
      const rows = await deps.repo.listOfCollection(collection);
      await removeFiles(rows, 'collection deleted');
      if (rows.length > 0) await auditRemoval(deps.audit, 'collection deleted', collection, rows.length, {});
    },
  };
  return { removeFiles, listener };
}

function auditRemoval(
  audit: AuditSink,
  reason: string,
  collection: string,
  count: number,
  details: Record<string, unknown>,
) {
  return audit.record({ type: 'file.deleted', actor: 'system', details: { reason, collection, count, ...details } });
}
