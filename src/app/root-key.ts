import type { Database } from '../db/index.js';
import { isMissingTable } from '../db/index.js';
import { open, seal } from '../lib/crypto/aead.js';
import { deriveKey } from '../lib/crypto/derive-key.js';

/** Version 1 is the master key an installation started with; it is the root and has no row. */
const FIRST_VERSION = 1;
/** Binds a wrapped root to its version, so an older version's row cannot be passed off as newer. */
const rootLabel = (version: number) => Buffer.from(`bulwark:root:v${version}`, 'utf8');

/**
 * The root secret every purpose key is derived from, as `masterKey` unlocks it: the master key
 * itself until the first `keys rotate --master`, then the root wrapped under the newest master
 * key version. Null when the stored root does not open under this key (its check matched, so
 * the row was changed by someone without the key).
 */
export async function unwrapRoot(database: Database, masterKey: Buffer): Promise<Buffer | null> {
  const row = await newestVersion(database);
  if (!row) return masterKey;
  return open(deriveKey(masterKey, 'root-wrap'), Buffer.from(row.wrapped_root, 'base64'), rootLabel(row.version));
}

/** The master key version in use: 1 until the first master-key rotation. */
export async function masterKeyVersion(database: Database): Promise<number> {
  return (await newestVersion(database))?.version ?? FIRST_VERSION;
}

/** The root sealed under a master key version, as stored in `master_key_versions`. */
export function wrapRoot(root: Buffer, masterKey: Buffer, version: number): string {
  return seal(deriveKey(masterKey, 'root-wrap'), root, rootLabel(version)).toString('base64');
}

async function newestVersion(database: Database) {
  try {
    return await database.db
      .selectFrom('master_key_versions')
      .select(['version', 'wrapped_root'])
      .orderBy('version', 'desc')
      .executeTakeFirst();
  } catch (error) {
    // `log verify` reads without migrating: a database from before migration 0012 has no versions.
    if (isMissingTable(error)) return undefined;
    throw error;
  }
}
