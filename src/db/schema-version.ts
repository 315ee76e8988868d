import { type Kysely, sql } from 'kysely';
import { runCompiled } from './run-compiled.js';
import type { DatabaseTables } from './schema.js';

/**
 * The counter of `schema_version` (migration 0013), which triggers bump in the same transaction
 * as every change to a collection definition. An instance may answer from what it parsed while
 * the counter read the same; it reads the counter on every request, so a change committed on
 * any instance is seen by the next request everywhere. `null`: the row is missing (a hand
 * edit), and nothing may be kept.
 */
export type SchemaVersion = number | null;

/** The column alias under which credential lookups return the counter. */
export const SCHEMA_VERSION_COLUMN = 'schema_version';

/**
 * `(SELECT version FROM schema_version) AS schema_version`, to select beside a credential
 * lookup: the counter comes back in the same statement, so PostgreSQL pays no round trip for it.
 *
 * @example
 * db.selectFrom('api_keys').selectAll().select(schemaVersionColumn).where('key_hash', '=', keyHash)
 */
export const schemaVersionColumn = sql<number | null>`(SELECT version FROM schema_version)`.as(SCHEMA_VERSION_COLUMN);

/** The counter as selected (a number on both dialects: int8 is parsed as a number), or null. */
export function toSchemaVersion(value: unknown): SchemaVersion {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

/** Reads the counter alone, for requests that make no credential lookup (guests). */
export function createSchemaVersionReader(db: Kysely<DatabaseTables>) {
  const select = db.selectFrom('schema_version').select('version').compile();
  return async (): Promise<SchemaVersion> => {
    const [row] = await runCompiled(db, select, []);
    return toSchemaVersion(row?.version);
  };
}
