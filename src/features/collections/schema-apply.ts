import type { Kysely } from 'kysely';
import type { Database, DatabaseTables } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { AuditEvent, AuditSink } from '../audit/index.js';
import type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
import { fieldsHoldingData, migrateCollection } from './collection-migration.js';
import type { CollectionsRepo } from './collections-repo.js';
import type { RuleValidator } from './collections-service.js';
import { changeDefinitions, lockTableForDrop } from './definitions-lock.js';
import type { RemovalListeners } from './removal-listeners.js';
import { requireValidSchema } from './schema-checks.js';
import { canonicalDefinition, type SchemaDocument, toSchemaDocument } from './schema-document.js';
import { diffFields, isEmptyPlan, planSchema, type SchemaPlan } from './schema-plan.js';
import { createTableMigrator } from './table-migrator.js';

/** Stored data an apply would delete: a whole collection's records (`field` null) or one field's values. */
export interface DataLoss {
  collection: string;
  field: string | null;
  count: number;
}

/**
 * `applied`: committed; `unchanged`: the schema already matched; `dry-run`: applied and rolled
 * back; `refused`: it would delete the data in `dataLoss` and that was not confirmed.
 */
export type SchemaApplyStatus = 'applied' | 'unchanged' | 'dry-run' | 'refused';

export interface SchemaApplyResult {
  status: SchemaApplyStatus;
  plan: SchemaPlan;
  dataLoss: DataLoss[];
}

export interface SchemaApplyOptions {
  /** Apply inside the transaction, then roll it back: every check runs, nothing stays. */
  dryRun: boolean;
  confirmDataLoss: boolean;
  /** Who applies (a user id, or `cli`) and from where, for the audit entry. */
  by: Pick<AuditEvent, 'actor' | 'ip' | 'requestId'>;
}

/** Thrown inside a dry run's transaction so it rolls back, carrying what the run found. */
class DryRunRollback extends Error {
  constructor(readonly result: SchemaApplyResult) {
    super('dry run');
  }
}

/**
 * Schema as code: exports every definition as one file and applies a file as one change. An
 * apply checks the whole desired schema first (each definition against the others, rules
 * compiled), then in one write transaction holding the definitions-writer lock
 * (definitions-lock.ts: serialised against every other definition change on any instance),
 * reads the current definitions, plans the diff, counts the data it would delete
 * and changes every table and definition row; the triggers bump the schema version in the same
 * transaction, so every running instance serves the new schema from its next request.
 */
export function createSchemaApplier(deps: {
  database: Database;
  repo: CollectionsRepo;
  validateRules: RuleValidator;
  maxUploadBytes: number;
  removals: RemovalListeners;
  audit: AuditSink;
  now: () => number;
}) {
  const plan = async (trx: Kysely<DatabaseTables>, desired: readonly CollectionDefinition[]) => {
    const current = await deps.repo.list(trx);
    const planned = planSchema(current, desired);
    if (planned.problems.length > 0) {
      throw appError('COLL_INVALID', {
        fields: planned.problems,
        detail: 'The schema changes a field that cannot change.',
      });
    }
    const dataLoss = await measureDataLoss(trx, deps.database, current, planned.plan);
    return { current, plan: planned.plan, dataLoss };
  };

  /** After the commit: what lives outside the tables (files) goes too, and the change is audited. */
  const afterCommit = async (
    current: readonly CollectionDefinition[],
    result: SchemaApplyResult,
    by: SchemaApplyOptions['by'],
  ) => {
    for (const name of result.plan.removed) await deps.removals.collectionRemoved(name);
    for (const changed of result.plan.changed) {
      const dropped = droppedFields(current, changed.name, changed.fieldsDropped);
      if (dropped.length > 0) await deps.removals.fieldsDropped(changed.name, dropped);
    }
    await deps.audit.record({
      type: 'schema.apply',
      ...by,
      details: { ...result.plan, dataLoss: result.dataLoss },
    });
  };

  return {
    /** Every definition as a schema file (`GET /api/admin/schema`, `bulwark schema export`). */
    async export(): Promise<SchemaDocument> {
      return toSchemaDocument(await deps.repo.list());
    },

    async apply(document: SchemaDocument, options: SchemaApplyOptions): Promise<SchemaApplyResult> {
      const desired = document.collections.map(canonicalDefinition);
      requireValidSchema(desired, deps.validateRules, deps.maxUploadBytes);
      let current: readonly CollectionDefinition[] = [];
      const result = await changeDefinitions(deps.database, async (trx): Promise<SchemaApplyResult> => {
        const planned = await plan(trx, desired);
        current = planned.current;
        const outcome = { plan: planned.plan, dataLoss: planned.dataLoss };
        const isRefused = planned.dataLoss.length > 0 && !options.confirmDataLoss;
        if (isEmptyPlan(planned.plan)) return { status: 'unchanged', ...outcome };
        if (isRefused && !options.dryRun) return { status: 'refused', ...outcome };
        await applyPlan(trx, deps.repo, { current: planned.current, desired, plan: planned.plan }, deps.now());
        if (options.dryRun) throw new DryRunRollback({ status: isRefused ? 'refused' : 'dry-run', ...outcome });
        return { status: 'applied', ...outcome };
      }).catch((error: unknown) => {
        if (error instanceof DryRunRollback) return error.result;
        throw error;
      });
      if (result.status === 'applied') await afterCommit(current, result, options.by);
      return result;
    },
  };
}

export type SchemaApplier = ReturnType<typeof createSchemaApplier>;

/** "12 records of tasks, 3 values of notes.legacy": what a refused apply would have deleted. */
export function describeDataLoss(losses: readonly DataLoss[]): string {
  return losses
    .map((loss) =>
      loss.field === null
        ? `${loss.count} record${loss.count === 1 ? '' : 's'} of ${loss.collection}`
        : `${loss.count} value${loss.count === 1 ? '' : 's'} of ${loss.collection}.${loss.field}`,
    )
    .join(', ');
}

/**
 * Makes the tables and definition rows match `desired`, inside the caller's transaction:
 * removed collections first, then each desired one created or migrated in the file's order.
 */
async function applyPlan(
  trx: Kysely<DatabaseTables>,
  repo: CollectionsRepo,
  change: { current: readonly CollectionDefinition[]; desired: readonly CollectionDefinition[]; plan: SchemaPlan },
  nowMs: number,
): Promise<void> {
  const currentByName = new Map(change.current.map((c) => [c.name, c]));
  for (const name of change.plan.removed) {
    await createTableMigrator(trx).dropTable(name);
    await repo.delete(name, trx);
  }
  for (const definition of change.desired) {
    const old = currentByName.get(definition.name);
    if (!old) {
      await createTableMigrator(trx).createTable(definition.name, definition.fields);
      await repo.insert(definition, nowMs, trx);
    } else if (change.plan.changed.some((c) => c.name === definition.name)) {
      await migrateCollection(trx, repo, definition, diffFields(old.fields, definition.fields), nowMs);
    }
  }
}

function droppedFields(
  current: readonly CollectionDefinition[],
  name: string,
  fields: readonly string[],
): FieldDefinition[] {
  const definition = current.find((c) => c.name === name);
  return definition ? definition.fields.filter((f) => fields.includes(f.name)) : [];
}

/** Counts what the plan would delete, each table losing data locked first (`lockTableForDrop`). */
async function measureDataLoss(
  trx: Kysely<DatabaseTables>,
  database: Database,
  current: readonly CollectionDefinition[],
  plan: SchemaPlan,
): Promise<DataLoss[]> {
  const lock = (name: string) => lockTableForDrop(trx, database, name);
  const losses: DataLoss[] = [];
  for (const name of plan.removed) {
    await lock(name);
    const count = await createTableMigrator(trx).countRows(name);
    if (count > 0) losses.push({ collection: name, field: null, count });
  }
  for (const changed of plan.changed.filter((c) => c.fieldsDropped.length > 0)) {
    await lock(changed.name);
    const fields = droppedFields(current, changed.name, changed.fieldsDropped);
    for (const loss of await fieldsHoldingData(trx, changed.name, fields))
      losses.push({ collection: changed.name, ...loss });
  }
  return losses;
}
