import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStore } from './file-store.js';
import { assertStoreKey } from './store-key.js';

/**
 * Files under `<dataDir>/files` (folders 0700, files 0600). A put writes to a temporary name
 * beside the target, fsyncs it, then renames it into place: a crash or an aborted stream never
 * leaves a half-written file under a real key.
 */
export function createLocalFileStore(root: string): FileStore {
  const pathOf = (key: string) => {
    assertStoreKey(key);
    return join(root, ...key.split('/'));
  };
  const ensureRoot = async () => {
    await mkdir(root, { recursive: true, mode: 0o700 });
    await chmod(root, 0o700);
  };

  return {
    kind: 'local',
    async put(key, body) {
      const target = pathOf(key);
      const folder = join(target, '..');
      await ensureRoot();
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = join(folder, `.tmp-${randomUUID()}`);
      try {
        await pipeline(body, createWriteStream(temporary, { mode: 0o600, flags: 'wx' }));
        const handle = await open(temporary, 'r');
        await handle.sync().finally(() => handle.close());
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key, range): Promise<Readable | null> {
      const path = pathOf(key);
      try {
        await access(path);
      } catch {
        return null;
      }
      return createReadStream(path, range ? { start: range.start, end: range.end } : {});
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      // The record's folder goes with its last file; a folder still holding files stays.
      await rmdir(join(path, '..')).catch(() => undefined);
    },
    async probe() {
      try {
        await ensureRoot();
        return (await stat(root)).isDirectory();
      } catch {
        return false;
      }
    },
    close: async () => undefined,
  };
}
