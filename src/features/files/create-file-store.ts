import { join } from 'node:path';
import type { FrozenConfig } from '../../config/index.js';
import { createClamdScanner } from './clamd-scanner.js';
import type { FileStore, MalwareScanner } from './file-store.js';
import { createLocalFileStore } from './local-store.js';
import { createS3Store } from './s3-store.js';

/** Where uploaded bytes are kept: `<dataDir>/files` unless `files.storage` names another store. */
export function filesFolder(dataDir: string): string {
  return join(dataDir, 'files');
}

/** The store `files.storage` names. */
export function createFileStore(config: FrozenConfig): FileStore {
  switch (config.files.storage) {
    case 'local':
      return createLocalFileStore(filesFolder(config.dataDir));
    case 's3':
      return createS3Store(s3OptionsOf(config));
  }
}

/**
 * `files.s3` as the store's options. The checks (`files-s3-incomplete`) refuse to start
 * without a bucket and keys, so missing ones here are a bug, not a user's mistake.
 */
function s3OptionsOf(config: FrozenConfig) {
  const { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle, prefix } = config.files.s3;
  if (!bucket || !accessKeyId || !secretAccessKey) {
    throw new Error('files.storage is s3 but files.s3.bucket or its keys are missing (check files-s3-incomplete)');
  }
  return { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle, prefix };
}

/** The malware scanner `files.scan.clamdSocket` names, or none when it is empty (scanning off). */
export function createMalwareScanner(config: FrozenConfig): MalwareScanner | undefined {
  const { clamdSocket, timeoutMs, maxStreamBytes } = config.files.scan;
  return clamdSocket === '' ? undefined : createClamdScanner({ socket: clamdSocket, timeoutMs, maxStreamBytes });
}
