import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { type DatabaseTables, type DialectName, isUniqueViolation, type SchemaVersion } from '../../db/index.js';
import { type AppError, appError, type FieldError, isAppError } from '../../errors/index.js';
import type { AuditSink } from '../audit/index.js';
import { compileRule } from '../rules/index.js';
import { createBoundedRunner, createBoundedWriteRunner } from './bounded-query.js';
import { type CollectionDefinition, type RuleAction, tableName } from './collection-definition.js';
import { createCollectionLoader } from './collection-loader.js';
import type { CollectionsService } from './collections-service.js';
import type { FieldCrypto } from './field-crypto.js';
import { createListStatements } from './list-statements.js';
import { type DecodedBody, encodeRecord, type PublicRecord, type StoredRow, valueProblems } from './record-codec.js';
import { relationProblems } from './record-relations.js';
import { type Caller, createRecordResolver, type ResolverOptions } from './record-resolver.js';
import { createWritePlans } from './record-write-plans.js';
import { type BatchOperation, runBatch, type WritePlan } from './records-batch.js';
import { createRecordsRefusals } from './records-refusals.js';
import type { RemovalListeners } from './removal-listeners.js';

/** Page size when none is asked for, and the most one page may hold. */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 500;

export interface ListQuery {
  filter?: string | undefined;
  sort?: string | undefined;
  page: number;
  perPage: number;
  /** `skipTotal=1`: the count statement is not run and the totals are -1. */
  isTotalSkipped?: boolean | undefined;
}

export interface RecordsContext {
  caller: Caller;
  /** Administrators are not bound by collection rules. */
  isAdmin: boolean;
  /** The caller's canonical address, for audit entries. */
  ip?: string | undefined;
  /** What the caller is counted by (an IPv6 client by its /64): guests' audit thinning keys on it. */
  clientKey?: string | undefined;
  requestId?: string | undefined;
  /** Read with the caller's credential, for the definition cache; undefined (a guest): read when needed. */
  schemaVersion?: SchemaVersion | undefined;
  /** The operation's place in a `POST /api/batch`, for the audit entry of a refusal. */
  batchIndex?: number | undefined;
}

export type AnyDb = Kysely<Record<string, StoredRow>>;

/** A successful record write, with the record as a rule-free reader sees it minus hidden and encrypted fields. */
export interface RecordChange {
  action: 'created' | 'updated' | 'deleted';
  collection: string;
  record: PublicRecord;
}

/**
 * Told of each successful write on the write's own handle, so what it writes (a queued
 * webhook) commits or rolls back with the record, on either database.
 */
export type RecordChangeListener = (change: RecordChange, handle: Kysely<DatabaseTables>) => Promise<void>;

/**
 * Records CRUD under the collection's rules. A missing rule locks the action to administrators;
 * a record the caller may not see is "not found" (404) on view, update and delete, so ids are
 * not confirmed to strangers; denied writes are audited.
 */
export function createRecordsService(deps: {
  db: Kysely<DatabaseTables>;
  dialect: DialectName;
  collections: CollectionsService;
  crypto: FieldCrypto;
  audit: AuditSink;
  removals: RemovalListeners;
  /** Statement timeout for rule-shaped queries on PostgreSQL. */
  ruleQueryTimeoutMs?: number;
  onRecordChange?: RecordChangeListener | undefined;
  /** Told of every operation a rule refused, before the audit log thins denied reads (metrics). */
  onRuleDenial?: ((action: RuleAction) => void) | undefined;
  now?: () => number;
}) {
  const db = deps.db as unknown as AnyDb;
  const now = deps.now ?? Date.now;
  const ruleQueryTimeoutMs = deps.ruleQueryTimeoutMs ?? 5000;

  const load = createCollectionLoader(deps.collections);
  const refusals = createRecordsRefusals({ audit: deps.audit, onRuleDenial: deps.onRuleDenial, now });
  const { audit, refuseWrite } = refusals;
  const auditDeniedRead = refusals.deniedRead;

  /** The action's rule as SQL, `true` for admins and empty rules, or null when locked. */
  const ruleCondition = (
    action: RuleAction,
    ctx: RecordsContext,
    base: Omit<ResolverOptions, 'mode' | 'caller'>,
  ): Expression<SqlBool> | null => {
    if (ctx.isAdmin) return sql<SqlBool>`1 = 1`;
    const rule = base.definition.rules[action];
    if (rule === null) return null;
    if (rule.trim() === '') return sql<SqlBool>`1 = 1`;
    return compileRule(rule, createRecordResolver({ ...base, mode: 'rule', caller: ctx.caller }), deps.dialect);
  };

  /** List and count statements kept compiled per shape, bound to each request's values. */
  const listStatements = createListStatements({ db, dialect: deps.dialect });

  /** Every statement carrying a rule or a filter runs through this (statement timeout on PostgreSQL). */
  const bounded = createBoundedRunner({ db, dialect: deps.dialect, timeoutMs: ruleQueryTimeoutMs });

  /** A stored value that fails authentication was tampered with or moved: refuse and audit it. */
  const encode = async (definition: CollectionDefinition, row: StoredRow, ctx: RecordsContext) => {
    try {
      return await encodeRecord(definition, row, deps.crypto);
    } catch (error) {
      if (isAppError(error) && error.code === 'CRYPTO_VALUE_REJECTED') {
        await audit('records.integrity.failure', ctx, { collection: definition.name, id: row.id });
      }
      throw error;
    }
  };

  /** The row with this id if the condition holds for it, read on the given (bounded) handle. */
  const selectVisible = (handle: AnyDb, table: string, id: string, condition: Expression<SqlBool> | null) =>
    condition
      ? handle
          .selectFrom(table)
          .selectAll()
          .where(sql.ref(`${table}.id`), '=', id)
          .where(condition)
          .executeTakeFirst()
      : Promise.resolve(undefined);

  /** Reports a write to the listener; encrypted fields are left out so their plaintext never leaves in an event. */
  const reportChange = async (
    handle: AnyDb,
    action: RecordChange['action'],
    definition: CollectionDefinition,
    row: StoredRow,
  ) => {
    if (!deps.onRecordChange) return;
    const unencrypted = { ...definition, fields: definition.fields.filter((field) => !field.encrypted) };
    const record = await encodeRecord(unencrypted, row, deps.crypto);
    // The same connection under another table map: the listener writes its own tables.
    await deps.onRecordChange(
      { action, collection: definition.name, record },
      handle as unknown as Kysely<DatabaseTables>,
    );
  };

  /** A missing rule: administrators only, refused before any work on the body or the database. */
  const isLocked = (action: RuleAction, definition: CollectionDefinition, ctx: RecordsContext) =>
    !ctx.isAdmin && definition.rules[action] === null;

  /**
   * Everything wrong with a body the rule has admitted: conversions, patterns, relations. Run
   * inside the bounded work, after the rule, so a refused caller costs no per-value work and
   * learns neither the body's problems nor which related ids exist.
   */
  const requireValid = async (handle: AnyDb, definition: CollectionDefinition, decoded: DecodedBody) => {
    const problems: FieldError[] = valueProblems(decoded);
    problems.push(...(await relationProblems(handle, definition, decoded.values)));
    if (problems.length > 0)
      throw appError('HTTP_VALIDATION', { fields: problems, detail: 'The record is not valid.' });
  };

  /** The row if the view rule admits the caller; else 404, and audited when the record exists. */
  const requireVisible = async (loaded: Awaited<ReturnType<typeof load>>, id: string, ctx: RecordsContext) => {
    const name = loaded.definition.name;
    const table = tableName(name);
    const condition = ruleCondition('view', ctx, loaded);
    const row = await bounded((handle) => selectVisible(handle, table, id, condition));
    if (row) return row;
    // Through the runner too: a collection dropped meanwhile is a 404, not a database error.
    const exists = await bounded((handle) =>
      handle
        .selectFrom(table)
        .select('id')
        .where(sql.ref(`${table}.id`), '=', id)
        .executeTakeFirst(),
    );
    if (exists) await auditDeniedRead(ctx, { collection: name, id, action: 'view' });
    throw appError('REC_NOT_FOUND');
  };

  const plans = createWritePlans({
    load,
    isLocked,
    refuseWrite,
    ruleCondition,
    requireValid,
    selectVisible,
    reportChange,
    insertOrConflict,
    crypto: deps.crypto,
    removals: deps.removals,
    now,
  });

  /**
   * Writes run bounded like every rule-shaped statement and in one transaction on SQLite too:
   * the rule's check, the write and the queued webhook commit together or not at all, and no
   * other request's statement runs between the check and the write.
   */
  const boundedWrite = createBoundedWriteRunner({ db, dialect: deps.dialect, timeoutMs: ruleQueryTimeoutMs });

  /** One write on its own; a refusal is audited after. */
  const runAlone = async (plan: WritePlan, ctx: RecordsContext) => {
    if (!(await boundedWrite(plan.apply))) throw await refuseWrite(ctx, plan.denial);
    return plan.finish();
  };

  return {
    async list(name: string, query: ListQuery, ctx: RecordsContext) {
      const loaded = await load(name, ctx);
      if (isLocked('list', loaded.definition, ctx)) {
        await auditDeniedRead(ctx, { collection: name, action: 'list' });
        throw appError('REC_FORBIDDEN', { detail: 'Only administrators may list this collection.' });
      }
      const perPage = Math.min(Math.max(query.perPage, 1), MAX_PER_PAGE);
      const page = Math.max(query.page, 1);
      const statements = listStatements.statementsFor({
        ...loaded,
        caller: ctx.caller,
        isAdmin: ctx.isAdmin,
        filter: query.filter,
        sort: query.sort ?? '-created',
        perPage,
        page,
        now: new Date(now()),
      });
      const { totalItems, items } = await bounded(async (handle) => {
        const counted = query.isTotalSkipped ? undefined : await handle.executeQuery(statements.count);
        const found = await handle.executeQuery(statements.list);
        return { totalItems: counted ? Number(counted.rows[0]?.n ?? 0) : -1, items: found.rows };
      });
      return {
        page,
        perPage,
        totalItems,
        totalPages: totalItems < 0 ? -1 : Math.ceil(totalItems / perPage),
        items: await Promise.all(items.map((row) => encode(loaded.definition, row, ctx))),
      };
    },

    async view(name: string, id: string, ctx: RecordsContext): Promise<PublicRecord> {
      const loaded = await load(name, ctx);
      return encode(loaded.definition, await requireVisible(loaded, id, ctx), ctx);
    },

    /** The create rule is checked over the would-be record before its values are vetted further. */
    async create(name: string, body: unknown, ctx: RecordsContext): Promise<PublicRecord> {
      return (await runAlone(await plans.create(name, body, ctx), ctx)) as PublicRecord;
    },

    /** The update rule is checked over the stored row and the body before the values are vetted further. */
    async update(name: string, id: string, body: unknown, ctx: RecordsContext): Promise<PublicRecord> {
      return (await runAlone(await plans.update(name, id, body, ctx), ctx)) as PublicRecord;
    },

    async remove(name: string, id: string, ctx: RecordsContext): Promise<void> {
      await runAlone(await plans.remove(name, id, ctx), ctx);
    },

    /**
     * Up to `records.batchMaxOperations` writes in one transaction, each planned and checked
     * exactly as its single route would: all of them, or none and the failing index.
     */
    batch: (operations: readonly BatchOperation[], ctx: RecordsContext) =>
      runBatch(operations, ctx, { plans, boundedWrite, refuseWrite }),

    /**
     * The collection's definition if the caller's view (or update) rule admits this record, for
     * actions on a record's parts (its files). Refused like a read or write of the record: 404,
     * audited, so ids are not confirmed to strangers.
     */
    async authorize(name: string, id: string, action: 'view' | 'update', ctx: RecordsContext) {
      const loaded = await load(name, ctx);
      if (action === 'view') {
        await requireVisible(loaded, id, ctx);
        return loaded.definition;
      }
      const denial = { collection: name, id, action: 'update' as const };
      if (isLocked('update', loaded.definition, ctx)) throw await refuseWrite(ctx, denial);
      const condition = ruleCondition('update', ctx, { ...loaded, body: {} });
      const row = await bounded((handle) => selectVisible(handle, tableName(name), id, condition));
      if (!row) throw await refuseWrite(ctx, denial);
      return loaded.definition;
    },

    /**
     * Sets a server-managed column (a file field's list) after the caller was authorised;
     * false when the record is gone.
     */
    async writeServerValue(name: string, id: string, field: string, value: string): Promise<boolean> {
      const table = tableName(name);
      const result = await db
        .updateTable(table)
        .set({ [field]: value, updated: new Date(now()).toISOString() })
        .where(sql.ref(`${table}.id`), '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** A unique index refusing a value becomes a 409 naming nothing internal. */
async function insertOrConflict(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw appError('REC_CONFLICT', { cause: error });
    throw isAppError(error) ? (error as AppError) : error;
  }
}

export type RecordsService = ReturnType<typeof createRecordsService>;
