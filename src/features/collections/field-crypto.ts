import { randomUUID as newId, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { AppError } from '../../errors/index.js';
import { open, seal } from '../../lib/crypto/aead.js';

/** Stored form of an encrypted value: `enc:v1:<keyId>:<base64 of iv‖ciphertext‖tag>`. */
const PREFIX = 'enc:v1:';

export interface FieldCrypto {
  encrypt: (plaintext: string, context: ValueContext) => Promise<string>;
  /** Throws when the value was tampered with or moved to another record or field. */
  decrypt: (stored: string, context: ValueContext) => Promise<string>;
}

/** Where a value lives: bound into the ciphertext so it cannot be moved elsewhere. */
export interface ValueContext {
  collection: string;
  recordId: string;
  field: string;
}

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
  let activeKeyId: string | undefined;

  const unwrap = (id: string, wrapped: string): Buffer => {
    const key = open(wrappingKey, Buffer.from(wrapped, 'base64'), Buffer.from(`data-key:${id}`));
    if (!key)
      throw new AppError('CRYPTO_KEY_UNREADABLE', {
        status: 500,
        detail: `data key ${id} cannot be unwrapped`,
        expose: false,
      });
    return key;
  };

  const activeKey = async (): Promise<[string, Buffer]> => {
    if (activeKeyId) return [activeKeyId, keys.get(activeKeyId) as Buffer];
    const row = await db
      .selectFrom('data_keys')
      .selectAll()
      .where('retired_ms', 'is', null)
      .orderBy('created_ms', 'desc')
      .executeTakeFirst();
    if (row) {
      keys.set(row.id, unwrap(row.id, row.wrapped));
      activeKeyId = row.id;
      return [row.id, keys.get(row.id) as Buffer];
    }
    const id = newId();
    const key = randomBytes(32);
    const wrapped = seal(wrappingKey, key, Buffer.from(`data-key:${id}`)).toString('base64');
    await db.insertInto('data_keys').values({ id, wrapped, created_ms: now(), retired_ms: null }).execute();
    keys.set(id, key);
    activeKeyId = id;
    return [id, key];
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
    async encrypt(plaintext, context) {
      const [id, key] = await activeKey();
      return `${PREFIX}${id}:${seal(key, Buffer.from(plaintext, 'utf8'), aad(context)).toString('base64')}`;
    },
    async decrypt(stored, context) {
      if (stored === '') return '';
      const match = /^enc:v1:([0-9a-f-]{36}):([A-Za-z0-9+/=]+)$/.exec(stored);
      const key = match?.[1] ? await keyById(match[1]) : null;
      const plain = key && match?.[2] ? open(key, Buffer.from(match[2], 'base64'), aad(context)) : null;
      if (!plain) {
        throw new AppError('CRYPTO_VALUE_REJECTED', {
          status: 500,
          detail: `encrypted value of ${context.collection}.${context.field} in record ${context.recordId} failed authentication`,
          expose: false,
        });
      }
      return plain.toString('utf8');
    },
  };
}
