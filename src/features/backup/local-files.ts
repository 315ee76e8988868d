import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A local store's temporary upload names (see files/local-store.ts): half-written, never part of a backup. */
const TEMPORARY_PREFIX = '.tmp-';

/**
 * The stored files under `root`, as archive-relative keys (`a/b/c`), depth first, sorted so two
 * backups of the same files list them alike. An absent folder (no upload yet) is no files.
 */
export async function listStoredFiles(root: string): Promise<string[]> {
  const keys: string[] = [];
  const walk = async (folder: string, prefix: string[]) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(folder, entry.name), [...prefix, entry.name]);
      else if (entry.isFile() && !entry.name.startsWith(TEMPORARY_PREFIX)) keys.push([...prefix, entry.name].join('/'));
    }
  };
  await walk(root, []);
  return keys;
}
