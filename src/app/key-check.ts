import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FrozenConfig } from '../config/index.js';
import { type Database, isMissingTable } from '../db/index.js';
import { CHAIN_VERSION_KEYED, isEntryHashedWith } from '../features/audit/index.js';
import { deriveKey } from '../lib/crypto/derive-key.js';
import { createMasterKey, loadMasterKey, masterKeyPath, masterKeySource, pendingMasterKeyPath } from './master-key.js';
import { unwrapRoot } from './root-key.js';
import { refuseStart } from './start-refused.js';

/** The row of `key_check` that holds the master key's check value. */
export const CHECK_NAME = 'master-key';
/** The check value of the master key that `keys rotate --master` replaced last: its refusal names the rotation. */
export const RETIRED_CHECK_NAME = 'master-key-replaced';
/**
 * What the check value is a MAC of. Fixed forever: changing it makes every stored check
 * disagree. The value is an HMAC under an HKDF-derived key (purpose `key-check`), so it tells
 * nothing about the master key or any other derived key.
 */
const CHECK_LABEL = 'bulwark:master-key-check:v1';

/**
 * The root secret for this database, unlocked by the master key: loaded from BULWARK_MASTER_KEY
 * or the key file, created only when the data has never had one, and refused when it does not
 * match the check value stored at the first start (or moved by `keys rotate --master`). A wrong
 * key must stop the start: otherwise it signs a new audit chain and session secrets nobody else
 * can check, and fails as a 500 at the first encrypted read. Until the first master-key
 * rotation the root is the master key itself.
 */
export async function unlockMasterKey(database: Database, config: FrozenConfig, where: string): Promise<Buffer> {
  const stored = await readKeyCheck(database);
  // Data from before the key check has none stored: its newest keyed audit entry tells whether
  // a key wrote it, so a wrong key at the first start after the upgrade is not recorded as right.
  const newestKeyed = stored === null ? await newestKeyedAuditEntry(database) : undefined;
  const existing = loadMasterKey(config.dataDir, config.masterKey);
  if (!existing && (stored !== null || newestKeyed)) throw missingKey(config, where);
  const key = existing ?? createMasterKey(config.dataDir);
  if (newestKeyed && !isEntryHashedWith(deriveKey(key, 'audit-chain'), newestKeyed)) throw mismatch(config, where);
  // First start: record the check. Two instances starting together on one PostgreSQL database
  // both insert; the first one wins and the other is held to it.
  const check = stored ?? (await recordKeyCheck(database, key));
  await assertKeyMatches(database, key, check, config, where);
  return requireRoot(database, key, where);
}

/**
 * For commands that read without migrating (`log verify`): refuses a key that does not match,
 * and lets a database from before the key check through (there is nothing to compare with).
 * Returns the root secret the key unlocks.
 */
export async function unlockForReading(
  database: Database,
  masterKey: Buffer,
  config: FrozenConfig,
  where: string,
): Promise<Buffer> {
  const stored = await readKeyCheck(database);
  if (stored !== null) await assertKeyMatches(database, masterKey, stored, config, where);
  return requireRoot(database, masterKey, where);
}

/** How the refusal names the data: the SQLite file, or the PostgreSQL server and database (never the password). */
export function describeData(config: FrozenConfig, postgresSchema?: string): string {
  if (!config.database.url) return join(config.dataDir, 'bulwark.db');
  const url = new URL(config.database.url);
  const schema = postgresSchema ? ` (schema ${postgresSchema})` : '';
  return `the PostgreSQL database ${url.host}${url.pathname}${schema}`;
}

async function assertKeyMatches(
  database: Database,
  key: Buffer,
  check: string,
  config: FrozenConfig,
  where: string,
): Promise<void> {
  if (checkMatches(key, check)) return;
  const retired = await readKeyCheck(database, RETIRED_CHECK_NAME);
  if (retired !== null && checkMatches(key, retired)) throw replaced(config, where);
  throw mismatch(config, where);
}

function checkMatches(key: Buffer, check: string): boolean {
  const expected = Buffer.from(keyCheckValue(key), 'hex');
  const actual = Buffer.from(check, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The check matched, so a root that does not open was changed by someone without the key. */
async function requireRoot(database: Database, key: Buffer, where: string): Promise<Buffer> {
  const root = await unwrapRoot(database, key);
  if (root) return root;
  throw refuseStart(
    'root-key-unreadable',
    `the wrapped root key in ${where} (table master_key_versions) does not open under the master key, which matches the data`,
    'restore the database from a backup taken after the last `bulwark keys rotate --master`',
  );
}

/** A master key that `keys rotate --master` replaced: say so, and where the new one is. */
function replaced(config: FrozenConfig, where: string) {
  const file = masterKeyPath(config.dataDir);
  const pending = existsSync(pendingMasterKeyPath(config.dataDir))
    ? `; ${pendingMasterKeyPath(config.dataDir)} holds the new key if the rotation stopped before renaming it`
    : '';
  return refuseStart(
    'master-key-replaced',
    `the master key from ${masterKeySource(config.dataDir, config.masterKey)} was replaced by \`bulwark keys rotate --master\` and no longer opens the data in ${where}${pending}`,
    `start with the new master key: ${file}, or BULWARK_MASTER_KEY set to the key piped to the rotation`,
  );
}

function missingKey(config: FrozenConfig, where: string) {
  const file = masterKeyPath(config.dataDir);
  return refuseStart(
    'master-key-missing',
    `the data in ${where} was written under a master key that is neither in ${file} nor in BULWARK_MASTER_KEY`,
    `restore ${file} from the backup of this data, or set BULWARK_MASTER_KEY to the key that wrote it`,
  );
}

function mismatch(config: FrozenConfig, where: string) {
  return refuseStart(
    'master-key-mismatch',
    `the master key from ${masterKeySource(config.dataDir, config.masterKey)} does not match the data in ${where}`,
    `start with the key that wrote this data: its ${masterKeyPath(config.dataDir)}, or BULWARK_MASTER_KEY set to it`,
  );
}

/** The newest audit entry hashed under a key derived from the master key, if any. */
function newestKeyedAuditEntry(database: Database) {
  return database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain_version', '=', CHAIN_VERSION_KEYED)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function keyCheckValue(masterKey: Buffer): string {
  return createHmac('sha256', deriveKey(masterKey, 'key-check')).update(CHECK_LABEL, 'utf8').digest('hex');
}

async function readKeyCheck(database: Database, name = CHECK_NAME): Promise<string | null> {
  try {
    const row = await database.db.selectFrom('key_check').select('mac').where('name', '=', name).executeTakeFirst();
    return row?.mac ?? null;
  } catch (error) {
    // A database from before migration 0006 has no key check yet.
    if (isMissingTable(error)) return null;
    throw error;
  }
}

async function recordKeyCheck(database: Database, masterKey: Buffer): Promise<string> {
  await database.db
    .insertInto('key_check')
    .values({ name: CHECK_NAME, mac: keyCheckValue(masterKey), created_ms: Date.now() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const stored = await readKeyCheck(database);
  if (stored === null) throw new Error('the key check value was not stored');
  return stored;
}
