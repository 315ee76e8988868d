import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { FrozenConfig } from '../config/index.js';
import { type Database, isMissingTable } from '../db/index.js';
import { CHAIN_VERSION_KEYED, isEntryHashedWith } from '../features/audit/index.js';
import { deriveKey } from '../lib/crypto/derive-key.js';
import { createMasterKey, loadMasterKey, masterKeyPath, masterKeySource } from './master-key.js';
import { refuseStart } from './start-refused.js';

/** The row of `key_check` that holds the master key's check value. */
const CHECK_NAME = 'master-key';
/**
 * What the check value is a MAC of. Fixed forever: changing it makes every stored check
 * disagree. The value is an HMAC under an HKDF-derived key (purpose `key-check`), so it tells
 * nothing about the master key or any other derived key.
 */
const CHECK_LABEL = 'bulwark:master-key-check:v1';

/**
 * The master key for this database: loaded from BULWARK_MASTER_KEY or the key file, created
 * only when the data has never had one, and refused when it does not match the check value
 * stored at the first start. A wrong key must stop the start: otherwise it signs a new audit
 * chain and session secrets nobody else can check, and fails as a 500 at the first encrypted read.
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
  assertKeyMatches(key, check, config, where);
  return key;
}

/**
 * For commands that read without migrating (`log verify`): refuses a key that does not match,
 * and lets a database from before the key check through (there is nothing to compare with).
 */
export async function assertMasterKeyFits(
  database: Database,
  masterKey: Buffer,
  config: FrozenConfig,
  where: string,
): Promise<void> {
  const stored = await readKeyCheck(database);
  if (stored !== null) assertKeyMatches(masterKey, stored, config, where);
}

/** How the refusal names the data: the SQLite file, or the PostgreSQL server and database (never the password). */
export function describeData(config: FrozenConfig, postgresSchema?: string): string {
  if (!config.database.url) return join(config.dataDir, 'bulwark.db');
  const url = new URL(config.database.url);
  const schema = postgresSchema ? ` (schema ${postgresSchema})` : '';
  return `the PostgreSQL database ${url.host}${url.pathname}${schema}`;
}

function assertKeyMatches(key: Buffer, check: string, config: FrozenConfig, where: string): void {
  const expected = Buffer.from(keyCheckValue(key), 'hex');
  const actual = Buffer.from(check, 'hex');
  if (expected.length === actual.length && timingSafeEqual(expected, actual)) return;
  throw mismatch(config, where);
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

function keyCheckValue(masterKey: Buffer): string {
  return createHmac('sha256', deriveKey(masterKey, 'key-check')).update(CHECK_LABEL, 'utf8').digest('hex');
}

async function readKeyCheck(database: Database): Promise<string | null> {
  try {
    const row = await database.db
      .selectFrom('key_check')
      .select('mac')
      .where('name', '=', CHECK_NAME)
      .executeTakeFirst();
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
