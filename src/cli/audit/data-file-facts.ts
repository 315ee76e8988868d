import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ExposedPath {
  /** Path relative to the data folder, e.g. `bulwark.db` or `files/ab/cd`. */
  path: string;
  mode: number;
}

/**
 * How many entries the walk looks at. The files folder can hold millions of uploads, all
 * created by the server with the same mode; a first sample this large finds a bad `chmod`
 * or umask without making the audit take minutes.
 */
export const MAX_WALKED_ENTRIES = 10_000;
const GROUP_OR_OTHER_BITS = 0o077;

/**
 * Entries under `dataDir` (the database and its WAL, checkpoint, files, anything an operator
 * put there) that group or other users can read, write or enter. Symbolic links are not
 * followed; the data folder itself and master.key have their own checks in config/checks.ts.
 */
export function findExposedDataPaths(dataDir: string, skip: ReadonlySet<string>): ExposedPath[] {
  const exposed: ExposedPath[] = [];
  const pending = [dataDir];
  let walked = 0;
  while (pending.length > 0 && walked < MAX_WALKED_ENTRIES) {
    const folder = pending.pop() as string;
    for (const name of listFolder(folder)) {
      if (++walked > MAX_WALKED_ENTRIES) break;
      const full = join(folder, name);
      const path = relative(dataDir, full);
      const stats = lstatOrNull(full);
      if (!stats || stats.isSymbolicLink() || skip.has(path)) continue;
      const mode = stats.mode & 0o777;
      if ((mode & GROUP_OR_OTHER_BITS) !== 0) exposed.push({ path, mode });
      if (stats.isDirectory()) pending.push(full);
    }
  }
  return exposed.sort((a, b) => a.path.localeCompare(b.path));
}

function listFolder(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    // Absent (no installation yet) or unreadable: nothing this walk can judge.
    return [];
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
