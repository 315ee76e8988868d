import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FrozenConfig } from '../config/index.js';
import { MASTER_KEY_FILE } from '../config/index.js';
import { createDatabase, isMissingTable } from '../db/index.js';
import { CliError } from './output.js';

/** Where the commands' database lives, named for a person: the SQLite file, or PostgreSQL's host and database (never its credentials). */
export function describeDatabase(config: FrozenConfig): string {
  if (!config.database.url) return join(config.dataDir, 'bulwark.db');
  try {
    const url = new URL(config.database.url);
    return `PostgreSQL ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL (BULWARK_DATABASE_URL)';
  }
}

/**
 * What is missing for `config` to name an existing Bulwark installation, as one sentence with
 * its fix, or null when it does. An installation is a database Bulwark has set up together with
 * the master key its audit chain and encrypted fields were written under:
 * - SQLite: `<dataDir>/bulwark.db` exists;
 * - PostgreSQL (`database.url` set): the database holds Bulwark's tables; the data folder still
 *   matters, since it holds `master.key` and the audit checkpoint;
 * - both: the key is there, from BULWARK_MASTER_KEY or `<dataDir>/master.key`.
 * Commands refuse rather than create one, so that a mistyped `--data` (or database URL) cannot
 * quietly make a second installation, with a new key, and report success.
 */
export async function findMissingInstallation(config: FrozenConfig): Promise<string | null> {
  const where = describeDatabase(config);
  if (!config.database.url && !existsSync(where)) {
    return `no database at ${where}; fix: pass --data with the server's data folder`;
  }
  if (config.database.url && !(await postgresHasBulwarkTables(config))) {
    return `no Bulwark database at ${where} (it has no Bulwark tables); fix: set BULWARK_DATABASE_URL to the server's database`;
  }
  if (config.masterKey === undefined && !existsSync(join(config.dataDir, MASTER_KEY_FILE))) {
    return `no master key in ${config.dataDir} and BULWARK_MASTER_KEY is not set; fix: pass --data with the server's data folder, or set the server's BULWARK_MASTER_KEY`;
  }
  return null;
}

/** Refuses (exit 2) unless `config` names an existing installation; `alternative` extends the fix. */
export async function requireInstallation(config: FrozenConfig, alternative = ''): Promise<void> {
  const missing = await findMissingInstallation(config);
  if (missing !== null) throw new CliError(`${missing}${alternative}`);
}

/** True when the configured PostgreSQL database holds Bulwark's tables. */
export async function postgresHasBulwarkTables(config: FrozenConfig): Promise<boolean> {
  const database = createDatabase({ url: config.database.url, sqlitePath: '', maxConnections: 1 });
  try {
    await sql`SELECT 1 FROM users LIMIT 1`.execute(database.db);
    return true;
  } catch (error) {
    // The database answers but holds no such table: not a Bulwark database.
    if (isMissingTable(error)) return false;
    throw error;
  } finally {
    await database.close();
  }
}
