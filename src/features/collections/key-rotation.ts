import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { type DatabaseTables, isMissingTable } from '../../db/index.js';
import { isAppError } from '../../errors/index.js';
import {
  activateNewDataKey,
  activeDataKeyId,
  countValuesByKey,
  deleteUnusedRetiredKeys,
  type EncryptedColumn,
  encryptedColumns,
  keyIdOfColumn,
  retiredDataKeys,
} from './data-keys.js';
import { ACTIVE_KEY_MAX_AGE_MS, createFieldCrypto, type FieldCrypto } from './field-crypto.js';

/**
 * How long after a key is retired the rotation starts re-encrypting: every running server has
 * read the new active key by ACTIVE_KEY_MAX_AGE_MS, and the margin covers a write that sealed
 * its value just before then and commits a little later. Only after this can "no value names
 * the retired key" stay true, so no retired key is deleted earlier.
 */
export const SWITCH_GRACE_MS = ACTIVE_KEY_MAX_AGE_MS + 8_000;

/** A stored value under a retired key that does not decrypt (tampered with, or moved): it keeps its key. */
export interface UnreadableValue {
  collection: string;
  recordId: string;
  field: string;
}

export interface ReencryptOptions {
  batchSize: number;
  /** Wait between batches, to spare a busy database. */
  pauseMs: number;
  /** Told of every value handled, re-encrypted or not. */
  onValues?: (count: number) => void;
}

export interface ReencryptResult {
  reencrypted: number;
  /** Values a client changed between our read and our write: the client's value stands. */
  changedMeanwhile: number;
  unreadable: UnreadableValue[];
}

type AnyDb = Kysely<Record<string, Record<string, string>>>;

/**
 * Data-key rotation for encrypted fields: a new key becomes active at once on every server;
 * values under retired keys are then re-encrypted in batches, each by a write conditional on
 * the value being unchanged, so a concurrent client write is never overwritten. What is left
 * is read from the data itself (values naming a retired key), so a rotation stopped at any
 * point is resumed by running it again. A retired key is deleted once no value names it.
 */
export function createKeyRotation(deps: { db: Kysely<DatabaseTables>; dataEncryptionKey: Buffer; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const crypto = createFieldCrypto(db, deps.dataEncryptionKey, now);

  return {
    activateNewKey: () => activateNewDataKey(db, deps.dataEncryptionKey, now()),
    retiredKeys: () => retiredDataKeys(db),
    /** The active key; one is made (and nothing retired) when the database has none yet. */
    async activeKeyId(): Promise<string> {
      return (await activeDataKeyId(db)) ?? (await activateNewDataKey(db, deps.dataEncryptionKey, now())).id;
    },
    /** Values that still name one of the given keys. */
    async valuesUnder(keyIds: readonly string[]): Promise<number> {
      const counts = await countValuesByKey(db);
      return keyIds.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0);
    },
    /** Waits until every server writes under the active key (see SWITCH_GRACE_MS). */
    async waitForServersToSwitch(retiredMs: number): Promise<void> {
      const left = retiredMs + SWITCH_GRACE_MS - now();
      if (left > 0) await sleep(left);
    },
    async reencrypt(retiredIds: readonly string[], options: ReencryptOptions): Promise<ReencryptResult> {
      const result: ReencryptResult = { reencrypted: 0, changedMeanwhile: 0, unreadable: [] };
      if (retiredIds.length === 0) return result;
      for (const column of await encryptedColumns(db)) {
        await reencryptColumn(db as unknown as AnyDb, crypto, column, retiredIds, options, result);
      }
      return result;
    },
    /**
     * Deletes the retired keys no value names, among those retired at least SWITCH_GRACE_MS
     * ago: a key another rotation retired a moment ago (two runs started together) may still be
     * some server's active key, so "no value names it" is not yet final for it.
     */
    deleteUnusedRetiredKeys: () => deleteUnusedRetiredKeys(db, now() - SWITCH_GRACE_MS),
  };
}

/** One pass over one encrypted field in id order (keyset pages), so every row is visited once. */
async function reencryptColumn(
  db: AnyDb,
  crypto: FieldCrypto,
  column: EncryptedColumn,
  retiredIds: readonly string[],
  options: ReencryptOptions,
  result: ReencryptResult,
): Promise<void> {
  let cursor = '';
  for (;;) {
    const rows = await underRetiredKeys(db, column, retiredIds, cursor, options.batchSize);
    if (rows === null || rows.length === 0) return;
    for (const row of rows) await reencryptValue(db, crypto, column, row, result);
    options.onValues?.(rows.length);
    cursor = rows[rows.length - 1]?.id ?? cursor;
    if (rows.length < options.batchSize) return;
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  }
}

/** The next page of rows whose value names a retired key; null when the collection was dropped meanwhile. */
async function underRetiredKeys(
  db: AnyDb,
  column: EncryptedColumn,
  retiredIds: readonly string[],
  afterId: string,
  limit: number,
): Promise<Array<{ id: string; value: string }> | null> {
  try {
    const { rows } = await sql<{ id: string; value: string }>`
      SELECT id, ${sql.ref(column.field)} AS value FROM ${sql.table(column.table)}
      WHERE ${keyIdOfColumn(column.field)} IN (${sql.join(retiredIds)}) AND id > ${afterId}
      ORDER BY id LIMIT ${limit}`.execute(db);
    return rows;
  } catch (error) {
    if (isMissingTable(error)) return null;
    throw error;
  }
}

async function reencryptValue(
  db: AnyDb,
  crypto: FieldCrypto,
  column: EncryptedColumn,
  row: { id: string; value: string },
  result: ReencryptResult,
): Promise<void> {
  const context = { collection: column.collection, recordId: row.id, field: column.field };
  let plaintext: string;
  try {
    plaintext = await crypto.decrypt(row.value, context);
  } catch (error) {
    if (!isAppError(error)) throw error;
    result.unreadable.push(context);
    return;
  }
  const sealed = await crypto.encrypt(plaintext, context);
  // Conditional on the value read: a client that wrote this field meanwhile keeps its value.
  const written = await db
    .updateTable(column.table)
    .set({ [column.field]: sealed })
    .where('id', '=', row.id)
    .where(column.field, '=', row.value)
    .executeTakeFirst();
  if (Number(written.numUpdatedRows) === 1) result.reencrypted += 1;
  else result.changedMeanwhile += 1;
}
