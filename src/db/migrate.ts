import { type Kysely, type Migration, Migrator } from 'kysely';
import { appError } from '../errors/index.js';
import type { Database } from './create-database.js';
import type { DialectName } from './dialect.js';
import * as auditLog from './migrations/0001-audit-log.js';
import * as accounts from './migrations/0002-accounts.js';
import * as collections from './migrations/0003-collections.js';
import * as secondFactors from './migrations/0004-second-factors.js';
import * as auditKeyedChain from './migrations/0005-audit-keyed-chain.js';
import * as keyCheck from './migrations/0006-key-check.js';
import * as abuseState from './migrations/0007-abuse-state.js';
import * as files from './migrations/0008-files.js';
import * as webhooks from './migrations/0009-webhooks.js';
import * as auditSearch from './migrations/0010-audit-search.js';
import * as auditShipping from './migrations/0011-audit-shipping.js';
import * as keyVersions from './migrations/0012-key-versions.js';
import * as schemaVersion from './migrations/0013-schema-version.js';
import * as shellApiKeys from './migrations/0014-shell-api-keys.js';

type MigrationModule = { up: (db: Kysely<unknown>, dialect: DialectName) => Promise<void> };

/** Every migration in order. Names are permanent: never rename or edit a shipped one. */
const MIGRATIONS: ReadonlyArray<[string, MigrationModule]> = [
  ['0001-audit-log', auditLog],
  ['0002-accounts', accounts],
  ['0003-collections', collections],
  ['0004-second-factors', secondFactors],
  ['0005-audit-keyed-chain', auditKeyedChain],
  ['0006-key-check', keyCheck],
  ['0007-abuse-state', abuseState],
  ['0008-files', files],
  ['0009-webhooks', webhooks],
  ['0010-audit-search', auditSearch],
  ['0011-audit-shipping', auditShipping],
  ['0012-key-versions', keyVersions],
  ['0013-schema-version', schemaVersion],
  // 0014 is reserved for another branch of the same release (batch writes).
  ['0014-shell-api-keys', shellApiKeys],
];

/**
 * Brings the schema up to date. Kysely's migrator takes a lock table, so two instances
 * starting together on PostgreSQL do not run a migration twice.
 */
export async function migrateToLatest(database: Database): Promise<void> {
  const { dialect } = database;
  // Migrations describe tables that may not exist yet, so they work on an untyped handle.
  const db = database.db as unknown as Kysely<unknown>;
  const migrations: Record<string, Migration> = Object.fromEntries(
    MIGRATIONS.map(([name, module]) => [name, { up: (trx: Kysely<unknown>) => module.up(trx, dialect) }]),
  );
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw appError('DB_MIGRATION_FAILED', {
      detail: `database migration ${failed} failed`,
      cause: error,
      expose: false,
    });
  }
}
