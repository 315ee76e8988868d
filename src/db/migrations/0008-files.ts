import type { Kysely } from 'kysely';

/**
 * Uploaded files: one row per file of a record's file field. The bytes live in a store (the
 * data folder or an S3 bucket) under `store_key`, a key made of server ids only; `name` is the
 * client's file name, sanitised, kept as metadata and never used in a path; `type` was sniffed
 * from the bytes. `status`: `clean` may be served, `pending` waits for the malware scan,
 * `infected` had its bytes deleted and is kept as evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('store_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .execute();
  // Every lookup is by record (its fields, its removal) or by collection (a dropped collection).
  await db.schema.createIndex('files_record').on('files').columns(['collection', 'record_id', 'field']).execute();
}
