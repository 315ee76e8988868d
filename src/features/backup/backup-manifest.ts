import type { DialectName } from '../../db/index.js';
import type { KeyMode } from './backup-header.js';
import type { DataCounts } from './database-snapshot.js';

export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_FORMAT = 'bulwark-backup-manifest/1';
/** The manifest is read into memory on restore; a real one is a few kilobytes per thousand files. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

/** The last entry of every backup: what it holds, and the size and SHA-256 of every other entry. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  bulwarkVersion: string;
  createdAt: string;
  dialect: DialectName;
  keyMode: KeyMode;
  /** Passphrase backups carry the master key (sealed inside) so they restore on a new machine. */
  masterKeyIncluded: boolean;
  /** `s3`: uploaded files are in the bucket, not in the backup. */
  fileStorage: 'local' | 's3';
  counts: DataCounts;
  entries: ManifestEntry[];
}

/** Names an entry may have: the fixed ones, or a stored file's key under `files/` (no `..`, no absolute path). */
export function isAllowedEntryName(name: string): boolean {
  if (['database/bulwark.db', 'database/bulwark.pgdump', 'audit-checkpoint.json', 'master.key'].includes(name)) {
    return true;
  }
  if (!name.startsWith('files/')) return false;
  return name
    .slice('files/'.length)
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\\') && !part.includes('\0'));
}

/** Parses a manifest; null when it is not one (the caller names the file as damaged). */
export function parseManifest(text: string): BackupManifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const manifest = value as Partial<BackupManifest> | null;
  if (manifest?.format !== MANIFEST_FORMAT || !Array.isArray(manifest.entries)) return null;
  const isEntry = (entry: ManifestEntry) =>
    typeof entry?.name === 'string' &&
    Number.isSafeInteger(entry.bytes) &&
    typeof entry.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(entry.sha256);
  if (!manifest.entries.every(isEntry)) return null;
  if (manifest.dialect !== 'sqlite' && manifest.dialect !== 'postgres') return null;
  return manifest as BackupManifest;
}

/**
 * What differs between the manifest and the entries actually read, as one phrase; null when
 * they agree exactly (same names, sizes and hashes, nothing more and nothing less).
 */
export function compareWithManifest(manifest: BackupManifest, read: ManifestEntry[]): string | null {
  const expected = new Map(manifest.entries.map((entry) => [entry.name, entry]));
  if (expected.size !== manifest.entries.length) return 'the manifest names an entry twice';
  for (const entry of read) {
    const listed = expected.get(entry.name);
    if (!listed) return `${entry.name} is not in the manifest`;
    if (listed.bytes !== entry.bytes || listed.sha256 !== entry.sha256)
      return `${entry.name} does not match its SHA-256`;
    expected.delete(entry.name);
  }
  const [missing] = expected.keys();
  return missing === undefined ? null : `${missing} is missing`;
}
