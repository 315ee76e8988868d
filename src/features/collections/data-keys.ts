import { randomUUID as newId, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { tableName } from './collection-definition.js';
import { createCollectionsRepo } from './collections-repo.js';
import { SEALED_PREFIX, wrapDataKey } from './field-crypto.js';

/** One encrypted field of one collection: where sealed values live. */
export interface EncryptedColumn {
  collection: string;
  table: string;
  field: string;
}

/** A data key as an operator sees it (never its material), with the values that still name it. */
export interface DataKeyUsage {
  id: string;
  createdMs: number;
  retiredMs: number | null;
  values: number;
}

/** Where the key id sits in a sealed value (`enc:v1:<36-character id>:…`), 1-based for SQL substr. */
const KEY_ID_START = SEALED_PREFIX.length + 1;
const KEY_ID_LENGTH = 36;

export const keyIdOfColumn = (field: string) =>
  sql<string>`substr(${sql.ref(field)}, ${sql.lit(KEY_ID_START)}, ${sql.lit(KEY_ID_LENGTH)})`;

/** Every encrypted field of every collection, from the stored definitions. */
export async function encryptedColumns(db: Kysely<DatabaseTables>): Promise<EncryptedColumn[]> {
  const definitions = await createCollectionsRepo(db).list();
  return definitions.flatMap((definition) =>
    definition.fields
      .filter((field) => field.encrypted)
      .map((field) => ({ collection: definition.name, table: tableName(definition.name), field: field.name })),
  );
}

/** How many stored values name each data key, over every encrypted field. */
export async function countValuesByKey(db: Kysely<DatabaseTables>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const column of await encryptedColumns(db)) {
    const { rows } = await sql<{ key_id: string; n: number | string }>`
      SELECT ${keyIdOfColumn(column.field)} AS key_id, COUNT(*) AS n FROM ${sql.table(column.table)}
      WHERE ${sql.ref(column.field)} LIKE ${`${SEALED_PREFIX}%`} GROUP BY 1`.execute(db);
    for (const row of rows) counts.set(row.key_id, (counts.get(row.key_id) ?? 0) + Number(row.n));
  }
  return counts;
}

/** Every data key, oldest first, with how many values name it. */
export async function dataKeyUsage(db: Kysely<DatabaseTables>): Promise<DataKeyUsage[]> {
  const rows = await db
    .selectFrom('data_keys')
    .select(['id', 'created_ms', 'retired_ms'])
    .orderBy('created_ms')
    .orderBy('id')
    .execute();
  const counts = await countValuesByKey(db);
  return rows.map((row) => ({
    id: row.id,
    createdMs: Number(row.created_ms),
    retiredMs: row.retired_ms === null ? null : Number(row.retired_ms),
    values: counts.get(row.id) ?? 0,
  }));
}

/**
 * Retires every active data key and stores a new one, in one transaction: a reader sees either
 * the old active key or the new one, never none or two. Retired keys stay readable.
 */
export async function activateNewDataKey(
  db: Kysely<DatabaseTables>,
  wrappingKey: Buffer,
  nowMs: number,
): Promise<{ id: string; retired: string[] }> {
  const id = newId();
  const wrapped = wrapDataKey(wrappingKey, id, randomBytes(32));
  return db.transaction().execute(async (trx) => {
    const retired = await trx
      .updateTable('data_keys')
      .set({ retired_ms: nowMs })
      .where('retired_ms', 'is', null)
      .returning('id')
      .execute();
    await trx.insertInto('data_keys').values({ id, wrapped, created_ms: nowMs, retired_ms: null }).execute();
    return { id, retired: retired.map((row) => row.id) };
  });
}

/** The key new values are sealed under: the newest one not retired. */
export async function activeDataKeyId(db: Kysely<DatabaseTables>): Promise<string | null> {
  const row = await db
    .selectFrom('data_keys')
    .select('id')
    .where('retired_ms', 'is', null)
    .orderBy('created_ms', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The retired keys, oldest first. */
export async function retiredDataKeys(db: Kysely<DatabaseTables>): Promise<Array<{ id: string; retiredMs: number }>> {
  const rows = await db
    .selectFrom('data_keys')
    .select(['id', 'retired_ms'])
    .where('retired_ms', 'is not', null)
    .orderBy('retired_ms')
    .execute();
  return rows.map((row) => ({ id: row.id, retiredMs: Number(row.retired_ms) }));
}

/**
 * Deletes the keys retired by `retiredByMs` that no stored value names any more, counted just
 * before. Only retired ones, re-checked in the statement: a key that became active meanwhile
 * is never deleted.
 */
export async function deleteUnusedRetiredKeys(db: Kysely<DatabaseTables>, retiredByMs: number): Promise<string[]> {
  const counts = await countValuesByKey(db);
  const unused = (await retiredDataKeys(db))
    .filter((key) => key.retiredMs <= retiredByMs && (counts.get(key.id) ?? 0) === 0)
    .map((key) => key.id);
  if (unused.length === 0) return [];
  await db.deleteFrom('data_keys').where('id', 'in', unused).where('retired_ms', 'is not', null).execute();
  return unused;
}
