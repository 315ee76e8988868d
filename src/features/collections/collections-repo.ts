import type { Kysely } from 'kysely';
import { type DatabaseTables, runCompiled } from '../../db/index.js';
import type { CollectionDefinition } from './collection-definition.js';

/**
 * Most distinct stored definitions kept parsed. Rows read here (administration, and records
 * requests whose definition cache has no entry for the current schema version) skip the JSON
 * parsing of a text seen before: it is keyed by the exact stored text, so a changed definition
 * is a new key and never a stale hit.
 */
const MAX_PARSED_DEFINITIONS = 256;

/** SQL for collection definitions, and nothing else. */
export function createCollectionsRepo(db: Kysely<DatabaseTables>) {
  const parsed = new Map<string, CollectionDefinition>();
  const parse = (text: string): CollectionDefinition => {
    const cached = parsed.get(text);
    if (cached) return cached;
    const definition = deepFreeze(JSON.parse(text) as CollectionDefinition);
    parsed.set(text, definition);
    if (parsed.size > MAX_PARSED_DEFINITIONS) parsed.delete(parsed.keys().next().value as string);
    return definition;
  };
  // The lookup by name runs on every records request: built and compiled once, bound per call.
  const findByName = db.selectFrom('collections').select('definition').where('name', '=', '').compile();

  return {
    /** The current definition (frozen: shared between requests), or null. */
    async find(name: string, trx: Kysely<DatabaseTables> = db): Promise<CollectionDefinition | null> {
      const [row] = await runCompiled(trx, findByName, [name]);
      return row ? parse(row.definition) : null;
    },
    async list(trx: Kysely<DatabaseTables> = db): Promise<CollectionDefinition[]> {
      const rows = await trx.selectFrom('collections').select('definition').orderBy('name').execute();
      return rows.map((row) => parse(row.definition));
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export type CollectionsRepo = ReturnType<typeof createCollectionsRepo>;
