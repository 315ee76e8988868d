import { join } from 'node:path';
import type { FrozenConfig } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { AuditSink } from '../audit/index.js';
import type { CollectionsFeature } from '../collections/index.js';
import { createFileStore, createMalwareScanner } from './create-file-store.js';
import type { FileStore, MalwareScanner } from './file-store.js';
import { createFilesService } from './files-service.js';
import { registerDownloadRoutes } from './routes/download-routes.js';
import { registerUploadRoutes } from './routes/upload-routes.js';

export { filesFolder } from './create-file-store.js';
export type { FileStore, MalwareScanner, ScanVerdict } from './file-store.js';

/** Where uploads are spooled while they stream in (never inside the store's folder). */
export const uploadSpoolFolder = (dataDir: string) => join(dataDir, 'uploads-tmp');

export interface FilesFeatureOptions {
  config: FrozenConfig;
  database: Database;
  audit: AuditSink;
  collections: CollectionsFeature;
  /** The `file-links` key derived from the master key. */
  linkKey: Buffer;
  /** Default: the store `files.storage` names. */
  store?: FileStore;
  /**
   * When given, new files stay `pending` (not served) until scanned clean. Default: clamd at
   * `files.scan.clamdSocket`, none when that is empty.
   */
  scanner?: MalwareScanner;
  now?: () => number;
}

/** File fields' uploads and downloads, and the removal of files with their records. */
export function createFilesFeature(options: FilesFeatureOptions) {
  const { config } = options;
  const store = options.store ?? createFileStore(config);
  const scanner = options.scanner ?? createMalwareScanner(config);
  const files = createFilesService({
    db: options.database.db,
    records: options.collections.records,
    store,
    scanner,
    audit: options.audit,
    linkKey: options.linkKey,
    linkTtlSeconds: config.files.linkTtlSeconds,
    maxUploadBytes: config.files.maxUploadBytes,
    ...(options.now ? { now: options.now } : {}),
  });
  options.collections.onRemoval(files.removalListener);
  return {
    files,
    store,
    async registerRoutes(app: HttpApp): Promise<void> {
      await registerUploadRoutes(app, { files, spoolFolder: uploadSpoolFolder(config.dataDir) });
      registerDownloadRoutes(app, { files, store });
    },
    /** What `/api/ready` adds when scanning is on: while clamd is down, new uploads stay quarantined. */
    async probeScanner(): Promise<Record<string, 'ok' | 'down'>> {
      if (!scanner) return {};
      return { scanner: (await scanner.probe().catch(() => false)) ? 'ok' : 'down' };
    },
    async close(): Promise<void> {
      await files.settle();
      await store.close();
    },
  };
}

export type FilesFeature = ReturnType<typeof createFilesFeature>;
