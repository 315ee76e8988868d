import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import type { CollectionDefinition } from './collection-definition.js';

/** SQL for collection definitions, and nothing else. */
export function createCollectionsRepo(db: Kysely<DatabaseTables>) {
  return {
    async find(name: string, trx: Kysely<DatabaseTables> = db): Promise<CollectionDefinition | null> {
      const row = await trx.selectFrom('collections').select('definition').where('name', '=', name).executeTakeFirst();
      return row ? (JSON.parse(row.definition) as CollectionDefinition) : null;
    },
    async list(): Promise<CollectionDefinition[]> {
      const rows = await db.selectFrom('collections').select('definition').orderBy('name').execute();
      return rows.map((row) => JSON.parse(row.definition) as CollectionDefinition);
    },
    insert: (definition: CollectionDefinition, nowMs: number, trx: Kysely<DatabaseTables>) =>
      trx
        .insertInto('collections')
        .values({ name: definition.name, definition: JSON.stringify(definition), created_ms: nowMs, updated_ms: nowMs })
        .execute(),
    update: (definition: CollectionDefinition, nowMs: number, trx: Kysely<DatabaseTables>) =>
      trx
        .updateTable('collections')
        .set({ definition: JSON.stringify(definition), updated_ms: nowMs })
        .where('name', '=', definition.name)
        .execute(),
    delete: (name: string, trx: Kysely<DatabaseTables>) =>
      trx.deleteFrom('collections').where('name', '=', name).execute(),
  };
}

export type CollectionsRepo = ReturnType<typeof createCollectionsRepo>;
