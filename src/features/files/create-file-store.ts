import { join } from 'node:path';
import type { FrozenConfig } from '../../config/index.js';
import type { FileStore } from './file-store.js';
import { createLocalFileStore } from './local-store.js';

/** Where uploaded bytes are kept: `<dataDir>/files` unless `files.storage` names another store. */
export function filesFolder(dataDir: string): string {
  return join(dataDir, 'files');
}

/** The store `files.storage` names. */
export function createFileStore(config: FrozenConfig): FileStore {
  switch (config.files.storage) {
    case 'local':
      return createLocalFileStore(filesFolder(config.dataDir));
  }
}
