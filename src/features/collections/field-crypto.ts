import { randomUUID as newId, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import { open, seal } from '../../lib/crypto/aead.js';

/** Stored form of an encrypted value: `enc:v1:<keyId>:<base64 of iv‖ciphertext‖tag>`. */
export const SEALED_PREFIX = 'enc:v1:';
const SEALED_FORM = /^enc:v1:([0-9a-f-]{36}):([A-Za-z0-9+/=]+)$/;

/**
 * How long a process writes under the data key it last read as active. `bulwark keys rotate`
 * activates a new key in the database; every running server (any number of them, on any
 * instance) reads it within this time, and the rotation waits longer than this before it
 * looks for values left under the retired keys.
 */
export const ACTIVE_KEY_MAX_AGE_MS = 2_000;

export interface FieldCrypto {
  /**
   * `handle`: the write's own transaction, through which the active key is read (or the first
   * one made) when it must be: a batch on SQLite holds the only connection while it seals.
   */
  encrypt: (plaintext: string, context: ValueContext, handle?: Kysely<DatabaseTables>) => Promise<string>;
  /** Throws when the value was tampered with or moved to another record or field. */
  decrypt: (stored: string, context: ValueContext) => Promise<string>;
}

/** Where a value lives: bound into the ciphertext so it cannot be moved elsewhere. */
export interface ValueContext {
  collection: string;
  recordId: string;
  field: string;
}

/** The wrapped form of a data key, bound to its id so a wrapped key cannot be swapped for another's. */
export const wrapDataKey = (wrappingKey: Buffer, id: string, key: Buffer): string =>
  seal(wrappingKey, key, Buffer.from(`data-key:${id}`)).toString('base64');

/**
 * Envelope encryption for `encrypted` fields: values are sealed with AES-256-GCM under a data
 * key; data keys are stored wrapped (AES-256-GCM) under the key derived from the master key
 * for data encryption. Each value names its key id (for rotation) and uses the collection,
 * record id and field as associated data.
 */
export function createFieldCrypto(
  db: Kysely<DatabaseTables>,
  wrappingKey: Buffer,
  now: () => number = Date.now,
): FieldCrypto {
  const keys = new Map<string, Buffer>();
  let active: { id: string; readAtMs: number } | undefined;

  const unwrap = (id: string, wrapped: string): Buffer => {
    const key = open(wrappingKey, Buffer.from(wrapped, 'base64'), Buffer.from(`data-key:${id}`));
    if (!key)
      throw appError('CRYPTO_KEY_UNREADABLE', {
        detail: `data key ${id} cannot be unwrapped`,
        expose: false,
      });
    return key;
  };

  /** Keys made inside a write's transaction, which may yet roll back. */
  const madeInTransaction = new Set<string>();

  /** Creates the first data key; only when the database has none active. */
  const createKey = async (handle: Kysely<DatabaseTables>): Promise<string> => {
    const id = newId();
    const key = randomBytes(32);
    await handle
      .insertInto('data_keys')
      .values({ id, wrapped: wrapDataKey(wrappingKey, id, key), created_ms: now(), retired_ms: null })
      .execute();
    keys.set(id, key);
    if (handle !== db) madeInTransaction.add(id);
    return id;
  };

  const readActiveId = async (handle: Kysely<DatabaseTables>): Promise<string> => {
    const row = await handle
      .selectFrom('data_keys')
      .select(['id', 'wrapped'])
      .where('retired_ms', 'is', null)
      .orderBy('created_ms', 'desc')
      .executeTakeFirst();
    if (row && !keys.has(row.id)) keys.set(row.id, unwrap(row.id, row.wrapped));
    return row?.id ?? (await createKey(handle));
  };

  // Re-read after ACTIVE_KEY_MAX_AGE_MS (one indexed row; wrapped keys are unwrapped once), so a
  // rotation run by another process takes effect here without a restart.
  const activeKey = async (handle: Kysely<DatabaseTables> = db): Promise<[string, Buffer]> => {
    if (!active || now() - active.readAtMs >= ACTIVE_KEY_MAX_AGE_MS) {
      const readAtMs = now();
      const id = await readActiveId(handle);
      // A key made in a transaction that may yet roll back seals that transaction's values
      // only; it is remembered as active once it is read outside any transaction.
      if (madeInTransaction.has(id)) {
        if (handle !== db) return [id, keys.get(id) as Buffer];
        madeInTransaction.delete(id);
      }
      active = { id, readAtMs };
    }
    return [active.id, keys.get(active.id) as Buffer];
  };

  const keyById = async (id: string): Promise<Buffer | null> => {
    const cached = keys.get(id);
    if (cached) return cached;
    const row = await db.selectFrom('data_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    keys.set(id, unwrap(id, row.wrapped));
    return keys.get(id) as Buffer;
  };

  const aad = (c: ValueContext) => Buffer.from(JSON.stringify([c.collection, c.recordId, c.field]));

  return {
    async encrypt(plaintext, context, handle) {
      const [id, key] = await activeKey(handle);
      return `${SEALED_PREFIX}${id}:${seal(key, Buffer.from(plaintext, 'utf8'), aad(context)).toString('base64')}`;
    },
    async decrypt(stored, context) {
      if (stored === '') return '';
      const match = SEALED_FORM.exec(stored);
      const key = match?.[1] ? await keyById(match[1]) : null;
      const plain = key && match?.[2] ? open(key, Buffer.from(match[2], 'base64'), aad(context)) : null;
      if (!plain) {
        throw appError('CRYPTO_VALUE_REJECTED', {
          detail: `encrypted value of ${context.collection}.${context.field} in record ${context.recordId} failed authentication`,
          expose: false,
        });
      }
      return plain.toString('utf8');
    },
  };
}
