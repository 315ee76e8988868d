import { randomUUID } from 'node:crypto';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import type { AppError } from '../../errors/index.js';
import { type CollectionDefinition, type RuleAction, tableName } from './collection-definition.js';
import type { FieldCrypto } from './field-crypto.js';
import { zeroValue } from './field-values.js';
import { type DecodedBody, decodeBody, encodeRecord, type StoredRow, sealValues } from './record-codec.js';
import type { ResolverOptions } from './record-resolver.js';
import type { WriteDenial, WritePlans } from './records-batch.js';
import type { AnyDb, RecordChange, RecordsContext } from './records-service.js';
import type { RemovalListeners } from './removal-listeners.js';

/** A collection's definition with those it relates to, read once per write. */
export interface LoadedCollection {
  definition: CollectionDefinition;
  relatedDefinition: (name: string) => CollectionDefinition | undefined;
}

/** The records service's own steps that every write is made of. */
export interface WritePlanSteps {
  load: (name: string, ctx: RecordsContext) => Promise<LoadedCollection>;
  /** A missing rule: administrators only. */
  isLocked: (action: RuleAction, definition: CollectionDefinition, ctx: RecordsContext) => boolean;
  /** Audits a rule's refusal; returns the error the route answers. */
  refuseWrite: (ctx: RecordsContext, denial: WriteDenial) => Promise<AppError>;
  /** The action's rule as SQL, or null when locked. */
  ruleCondition: (
    action: RuleAction,
    ctx: RecordsContext,
    base: Omit<ResolverOptions, 'mode' | 'caller'>,
  ) => Expression<SqlBool> | null;
  /** Throws 400 with everything wrong with a body the rule admitted. */
  requireValid: (handle: AnyDb, definition: CollectionDefinition, decoded: DecodedBody) => Promise<void>;
  selectVisible: (
    handle: AnyDb,
    table: string,
    id: string,
    condition: Expression<SqlBool> | null,
  ) => Promise<StoredRow | undefined>;
  /** Tells the change listener (webhooks) on the write's own handle. */
  reportChange: (
    handle: AnyDb,
    action: RecordChange['action'],
    definition: CollectionDefinition,
    row: StoredRow,
  ) => Promise<void>;
  /** Turns a unique index's refusal into 409. */
  insertOrConflict: (write: () => Promise<unknown>) => Promise<void>;
  crypto: FieldCrypto;
  removals: RemovalListeners;
  now: () => number;
}

/**
 * Each write in three steps, so one runs alone and a batch runs many in one transaction: made
 * before the transaction (definitions, a locked action, the body, the rule as SQL), applied in
 * it on its handle only (the rule, the values, the write, the queued webhook), finished after
 * it commits (the answer, file removals). Sealing goes through the handle too: on SQLite a
 * batch holds the only connection.
 */
export function createWritePlans(steps: WritePlanSteps): WritePlans {
  const { load, isLocked, refuseWrite, ruleCondition, requireValid, selectVisible, reportChange } = steps;
  const seal = (definition: CollectionDefinition, id: string, values: StoredRow, handle: AnyDb) =>
    sealValues(definition, id, values, steps.crypto, handle as unknown as Kysely<DatabaseTables>);
  const stamp = () => new Date(steps.now()).toISOString();

  return {
    /** The create rule is checked over the would-be record before its values are vetted further. */
    async create(name, body, ctx) {
      const loaded = await load(name, ctx);
      const { definition } = loaded;
      const denial: WriteDenial = { collection: name, action: 'create' };
      if (isLocked('create', definition, ctx)) throw await refuseWrite(ctx, denial);
      const decoded = decodeBody(definition, body, 'create', ctx);
      const id = randomUUID();
      const at = stamp();
      const record: StoredRow = { ...zeroRow(definition), ...decoded.values, id, created: at, updated: at };
      // The create rule runs in SQL over the would-be record, with the same semantics as the others.
      const condition = ruleCondition('create', ctx, { ...loaded, body: decoded.values, pendingRecord: record });
      let written: StoredRow | undefined;
      return {
        denial,
        async apply(handle) {
          if (!condition || (await sql`SELECT 1 AS ok WHERE ${condition}`.execute(handle)).rows.length === 0)
            return false;
          await requireValid(handle, definition, decoded);
          const row = await seal(definition, id, record, handle);
          await steps.insertOrConflict(() => handle.insertInto(tableName(name)).values(row).execute());
          await reportChange(handle, 'created', definition, row);
          written = row;
          return true;
        },
        finish: () => encodeRecord(definition, written as StoredRow, steps.crypto),
      };
    },

    /** The update rule is checked over the stored row and the body before the values are vetted further. */
    async update(name, id, body, ctx) {
      const loaded = await load(name, ctx);
      const { definition } = loaded;
      const denial: WriteDenial = { collection: name, id, action: 'update' };
      if (isLocked('update', definition, ctx)) throw await refuseWrite(ctx, denial);
      const decoded = decodeBody(definition, body, 'update', ctx);
      const condition = ruleCondition('update', ctx, { ...loaded, body: decoded.values });
      const table = tableName(name);
      const byId = (handle: AnyDb) =>
        handle
          .selectFrom(table)
          .selectAll()
          .where(sql.ref(`${table}.id`), '=', id);
      let written: StoredRow | undefined;
      return {
        denial,
        async apply(handle) {
          if (!(await selectVisible(handle, table, id, condition))) return false;
          await requireValid(handle, definition, decoded);
          const sealed = await seal(definition, id, decoded.values, handle);
          await steps.insertOrConflict(() =>
            handle
              .updateTable(table)
              .set({ ...sealed, updated: stamp() })
              .where(sql.ref(`${table}.id`), '=', id)
              .execute(),
          );
          written = await byId(handle).executeTakeFirstOrThrow();
          await reportChange(handle, 'updated', definition, written);
          return true;
        },
        finish: () => encodeRecord(definition, written as StoredRow, steps.crypto),
      };
    },

    async remove(name, id, ctx) {
      const loaded = await load(name, ctx);
      const denial: WriteDenial = { collection: name, id, action: 'delete' };
      if (isLocked('delete', loaded.definition, ctx)) throw await refuseWrite(ctx, denial);
      const condition = ruleCondition('delete', ctx, loaded);
      const table = tableName(name);
      return {
        denial,
        async apply(handle) {
          const visible = await selectVisible(handle, table, id, condition);
          if (!visible) return false;
          await handle
            .deleteFrom(table)
            .where(sql.ref(`${table}.id`), '=', id)
            .execute();
          await reportChange(handle, 'deleted', loaded.definition, visible);
          return true;
        },
        // After the commit: a rolled-back delete never loses a file.
        async finish() {
          await steps.removals.recordRemoved(name, id);
          return undefined;
        },
      };
    },
  };
}

function zeroRow(definition: CollectionDefinition): StoredRow {
  const row: StoredRow = {};
  for (const field of definition.fields) row[field.name] = field.encrypted ? '' : zeroValue(field.type);
  return row;
}
