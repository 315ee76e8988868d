import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { FrozenConfig } from '../../config/index.js';
import { createDatabase, type Database, type DatabaseTables, isMissingColumn, isMissingTable } from '../../db/index.js';

export interface ActiveApiKey {
  name: string;
  displayPrefix: string;
  ownerEmail: string;
  createdMs: number;
  expiresMs: number;
}

/** A live administrator key made by `bulwark keys create --admin`: what names it, never the key or its hash. */
export interface ShellApiKey {
  id: string;
  name: string;
  ownerEmail: string;
  scopes: readonly string[];
  expiresMs: number;
}

export type AccountFacts =
  | { state: 'no-database' }
  | { state: 'unreadable'; reason: string }
  | {
      state: 'read';
      adminsWithoutFactor: readonly string[];
      activeApiKeys: readonly ActiveApiKey[];
      liveShellKeys: readonly ShellApiKey[];
    };

/**
 * Administrators and API keys, read from the configured database with a read-only connection
 * (SQLite opened read-only, PostgreSQL in read-only transactions), so an audit cannot change
 * anything while the server runs. A deployment with no database yet has nothing to judge.
 */
export async function readAccountFacts(config: FrozenConfig, nowMs: number): Promise<AccountFacts> {
  const sqlitePath = join(config.dataDir, 'bulwark.db');
  if (!config.database.url && !existsSync(sqlitePath)) return { state: 'no-database' };
  let database: Database | undefined;
  try {
    database = createDatabase({ url: config.database.url, sqlitePath, readOnly: true, maxConnections: 1 });
    return {
      state: 'read',
      adminsWithoutFactor: await adminsWithoutSecondFactor(database.db),
      activeApiKeys: await activeApiKeys(database.db, nowMs),
      liveShellKeys: await liveShellKeys(database.db, nowMs),
    };
  } catch (error) {
    if (isMissingTable(error)) return { state: 'no-database' };
    return { state: 'unreadable', reason: describeFailure(error) };
  } finally {
    await database?.close();
  }
}

/** Enabled administrators with neither a confirmed TOTP nor a passkey (features/factors/second-factors.ts). */
async function adminsWithoutSecondFactor(db: Kysely<DatabaseTables>): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('totp_factors')
            .select('user_id')
            .whereRef('totp_factors.user_id', '=', 'users.id')
            .where('confirmed_ms', 'is not', null),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webauthn_credentials')
            .select('user_id')
            .whereRef('webauthn_credentials.user_id', '=', 'users.id'),
        ),
      ),
    )
    .orderBy('email')
    .execute();
  return rows.map((row) => row.email);
}

/** Keys neither revoked nor expired, soonest expiry first. */
async function activeApiKeys(db: Kysely<DatabaseTables>, nowMs: number): Promise<ActiveApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select(['api_keys.name', 'api_keys.display_prefix', 'users.email', 'api_keys.created_ms', 'api_keys.expires_ms'])
    .where('api_keys.revoked_ms', 'is', null)
    .where('api_keys.expires_ms', '>', nowMs)
    .orderBy('api_keys.expires_ms')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    displayPrefix: row.display_prefix,
    ownerEmail: row.email,
    createdMs: Number(row.created_ms),
    expiresMs: Number(row.expires_ms),
  }));
}

/**
 * Keys made on the shell (`api_keys.made_from_shell`, migration 0014) neither revoked nor
 * expired, soonest expiry first. A database from before 0014 (a newer audit reading it before
 * its server upgraded it) cannot hold one, so it has none, and the other account checks still run.
 */
async function liveShellKeys(db: Kysely<DatabaseTables>, nowMs: number): Promise<ShellApiKey[]> {
  try {
    const rows = await db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.name', 'users.email', 'api_keys.scopes', 'api_keys.expires_ms'])
      .where('api_keys.made_from_shell', '=', 1)
      .where('api_keys.revoked_ms', 'is', null)
      .where('api_keys.expires_ms', '>', nowMs)
      .orderBy('api_keys.expires_ms')
      .orderBy('api_keys.id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      ownerEmail: row.email,
      scopes: JSON.parse(row.scopes) as string[],
      expiresMs: Number(row.expires_ms),
    }));
  } catch (error) {
    if (isMissingColumn(error)) return [];
    throw error;
  }
}

/** A short, safe reason: the error code (ECONNREFUSED, 28P01, SQLITE_BUSY), never the driver's text. */
function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)
    ? `error ${code}`
    : 'the database could not be read';
}
