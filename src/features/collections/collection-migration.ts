import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
import type { CollectionsRepo } from './collections-repo.js';
import type { FieldDiff } from './schema-plan.js';
import { createTableMigrator } from './table-migrator.js';

/**
 * Moves one collection's table and definition row to `next`, inside the caller's transaction
 * (the admin API's PATCH and a schema apply alike): dropped columns first (with their indexes),
 * then added ones, then uniqueness switched on or off, then the definition row, whose trigger
 * bumps the schema version in the same transaction.
 */
export async function migrateCollection(
  trx: Kysely<DatabaseTables>,
  repo: CollectionsRepo,
  next: CollectionDefinition,
  diff: FieldDiff,
  nowMs: number,
): Promise<void> {
  const migrator = createTableMigrator(trx);
  for (const field of diff.dropped) await migrator.dropField(next.name, field);
  for (const field of diff.added) await migrator.addField(next.name, field);
  for (const { before, after } of diff.kept) {
    if (Boolean(before.unique) !== Boolean(after.unique)) {
      await migrator.setUnique(next.name, after, Boolean(after.unique));
    }
  }
  await repo.update(next, nowMs, trx);
}

/** The fields of `fields` holding a value other than their zero value, and in how many records: what a drop would destroy. */
export async function fieldsHoldingData(
  db: Kysely<DatabaseTables>,
  collection: string,
  fields: readonly FieldDefinition[],
): Promise<Array<{ field: string; count: number }>> {
  const migrator = createTableMigrator(db);
  const withData: Array<{ field: string; count: number }> = [];
  for (const field of fields) {
    const count = await migrator.countNonZero(collection, field);
    if (count > 0) withData.push({ field: field.name, count });
  }
  return withData;
}
