import type { Kysely } from 'kysely';
import { createSchemaVersionReader, type Database, type DatabaseTables, type SchemaVersion } from '../../db/index.js';
import { appError, type FieldError } from '../../errors/index.js';
import {
  type CollectionDefinition,
  type CollectionRules,
  type FieldDefinition,
  normaliseRules,
} from './collection-definition.js';
import { fieldsHoldingData, migrateCollection } from './collection-migration.js';
import { createCollectionsRepo } from './collections-repo.js';
import { createDefinitionCache } from './definition-cache.js';
import { checkDefinition } from './definition-checks.js';
import { changeDefinitions, lockTableForDrop } from './definitions-lock.js';
import type { RemovalListeners } from './removal-listeners.js';
import { diffFields, immutableChanges } from './schema-plan.js';
import { createTableMigrator } from './table-migrator.js';

export interface CollectionInput {
  name: string;
  fields: FieldDefinition[];
  rules?: CollectionRules | undefined;
}

export interface CollectionPatch {
  fields?: FieldDefinition[] | undefined;
  rules?: CollectionRules | undefined;
  confirmDataLoss?: boolean | undefined;
}

/** Checks each rule compiles against the collection; returns problems for `errors[]`. */
export type RuleValidator = (definition: CollectionDefinition, all: readonly CollectionDefinition[]) => FieldError[];

/**
 * Administers collections: each change reads the definitions it decides on, checks the new one
 * (fields, options, rules) and changes the table and the definition row in one transaction
 * holding the definitions-writer lock (definitions-lock.ts), so a failed change leaves both as
 * they were and no apply or other change commits between its reads and its writes.
 */
export function createCollectionsService(deps: {
  database: Pick<Database, 'db' | 'dialect'>;
  validateRules: RuleValidator;
  /** The ceiling of a file field's `maxSizeBytes` (`files.maxUploadBytes`). */
  maxUploadBytes: number;
  /** Told after a change commits, so what lives outside the table (file bytes) goes too. */
  removals: RemovalListeners;
  now?: () => number;
}) {
  const { database } = deps;
  const repo = createCollectionsRepo(database.db);
  const readSchemaVersion = createSchemaVersionReader(database.db);
  const definitions = createDefinitionCache((name) => repo.find(name));
  const now = deps.now ?? Date.now;

  /** Checks `definition` against the others as read in the change's transaction. */
  const requireValid = async (trx: Kysely<DatabaseTables>, definition: CollectionDefinition) => {
    const all = await repo.list(trx);
    const problems = [
      ...checkDefinition(definition, new Set(all.map((c) => c.name)), {
        maxUploadBytes: deps.maxUploadBytes,
      }),
    ];
    if (problems.length === 0) problems.push(...deps.validateRules(definition, all));
    if (problems.length > 0)
      throw appError('COLL_INVALID', { fields: problems, detail: 'The collection definition is not valid.' });
  };

  const get = async (name: string, trx: Kysely<DatabaseTables> = database.db) => {
    const definition = await repo.find(name, trx);
    if (!definition) throw appError('COLL_NOT_FOUND');
    return definition;
  };

  /** The PATCH inside its transaction: the current definition read, the next one checked and written. */
  const migrate = async (trx: Kysely<DatabaseTables>, name: string, patch: CollectionPatch) => {
    const current = await get(name, trx);
    const next: CollectionDefinition = {
      name,
      fields: patch.fields ?? current.fields,
      rules: patch.rules ? normaliseRules(patch.rules) : current.rules,
    };
    await requireValid(trx, next);
    const diff = diffFields(current.fields, next.fields);
    const immutable = immutableChanges(diff, (field) => field);
    if (immutable.length > 0) throw appError('COLL_INVALID', { fields: immutable });
    if (diff.dropped.length > 0) await lockTableForDrop(trx, database, name);
    const withData = (await fieldsHoldingData(trx, name, diff.dropped)).map((loss) => loss.field);
    if (withData.length > 0 && !patch.confirmDataLoss) {
      throw appError('COLL_DATA_LOSS', { detail: `Dropping ${withData.join(', ')} would delete stored values.` });
    }
    await migrateCollection(trx, repo, next, diff, now());
    return { next, diff };
  };

  /** The DELETE inside its transaction: refused while referenced, or holding records unconfirmed. */
  const drop = async (trx: Kysely<DatabaseTables>, name: string, confirmDataLoss: boolean) => {
    await get(name, trx);
    const referencing = (await repo.list(trx)).flatMap((c) =>
      c.name === name
        ? []
        : c.fields.filter((f) => f.type === 'relation' && f.collection === name).map((f) => `${c.name}.${f.name}`),
    );
    if (referencing.length > 0) throw appError('COLL_IN_USE', { detail: `Referenced by ${referencing.join(', ')}.` });
    await lockTableForDrop(trx, database, name);
    const count = await createTableMigrator(trx).countRows(name);
    if (count > 0 && !confirmDataLoss)
      throw appError('COLL_DATA_LOSS', { detail: `The collection holds ${count} records.` });
    await createTableMigrator(trx).dropTable(name);
    await repo.delete(name, trx);
  };

  return {
    list: () => repo.list(),
    get: (name: string) => get(name),
    /**
     * The definition records requests work under, as of `schemaVersion` (read by the request:
     * with its credential, or with `readSchemaVersion`) or newer, from this instance's memory
     * while that version holds. Administration reads afresh (`get`, `list`).
     */
    find: (name: string, schemaVersion: SchemaVersion) => definitions.find(name, schemaVersion),
    /** The schema version read alone, for a request whose credential lookup did not bring it (a guest). */
    readSchemaVersion,

    async create(input: CollectionInput): Promise<CollectionDefinition> {
      const definition: CollectionDefinition = {
        name: input.name,
        fields: input.fields,
        rules: normaliseRules(input.rules),
      };
      await changeDefinitions(database, async (trx) => {
        if (await repo.find(input.name, trx)) throw appError('COLL_EXISTS');
        await requireValid(trx, definition);
        await createTableMigrator(trx).createTable(definition.name, definition.fields);
        await repo.insert(definition, now(), trx);
      });
      return definition;
    },

    /** Applies a new field list and/or rules; dropping a field that holds data needs confirmation. */
    async update(
      name: string,
      patch: CollectionPatch,
    ): Promise<{ definition: CollectionDefinition; changes: string[] }> {
      const { next, diff } = await changeDefinitions(database, (trx) => migrate(trx, name, patch));
      const { added, dropped } = diff;
      if (dropped.length > 0) await deps.removals.fieldsDropped(name, dropped);
      const changes = [
        ...added.map((f) => `added ${f.name}`),
        ...dropped.map((f) => `dropped ${f.name}`),
        ...(patch.rules ? ['rules'] : []),
      ];
      return { definition: next, changes };
    },

    async remove(name: string, confirmDataLoss: boolean): Promise<void> {
      await changeDefinitions(database, (trx) => drop(trx, name, confirmDataLoss));
      await deps.removals.collectionRemoved(name);
    },
  };
}

export type CollectionsService = ReturnType<typeof createCollectionsService>;
