import { randomUUID } from 'node:crypto';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { type DatabaseTables, type DialectName, isUniqueViolation } from '../../db/index.js';
import { type AppError, appError, isAppError } from '../../errors/index.js';
import { createAuditThinner } from '../audit/audit-rate-limit.js';
import type { AuditSink } from '../audit/index.js';
import { compileRule, compileSort } from '../rules/index.js';
import { type CollectionDefinition, type RuleAction, tableName } from './collection-definition.js';
import type { CollectionsService } from './collections-service.js';
import type { FieldCrypto } from './field-crypto.js';
import { zeroValue } from './field-values.js';
import { decodeBody, encodeRecord, type PublicRecord, type StoredRow, sealValues } from './record-codec.js';
import { type Caller, createRecordResolver, type ResolverOptions } from './record-resolver.js';

/** Denied reads audited per caller and collection per minute; the rest are counted. */
const DENIED_READS_PER_MINUTE = 10;

/** Page size when none is asked for, and the most one page may hold. */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 500;

export interface ListQuery {
  filter?: string | undefined;
  sort?: string | undefined;
  page: number;
  perPage: number;
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
}

type AnyDb = Kysely<Record<string, StoredRow>>;

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
  /** Statement timeout for rule-shaped queries on PostgreSQL. */
  ruleQueryTimeoutMs?: number;
  now?: () => number;
}) {
  const db = deps.db as unknown as AnyDb;
  const now = deps.now ?? Date.now;
  const ruleQueryTimeoutMs = deps.ruleQueryTimeoutMs ?? 5000;

  const load = async (name: string) => {
    const definition = await deps.collections.find(name);
    if (!definition) throw appError('REC_NOT_FOUND', { detail: 'No such collection.' });
    const related = new Map<string, CollectionDefinition>();
    for (const field of definition.fields) {
      if (field.type === 'relation' && field.collection && field.collection !== 'users') {
        const other = field.collection === name ? definition : await deps.collections.find(field.collection);
        if (other) related.set(other.name, other);
      }
    }
    return { definition, relatedDefinition: (n: string) => related.get(n) };
  };

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

  const audit = (type: string, ctx: RecordsContext, details: Record<string, unknown>) =>
    deps.audit.record({ type, actor: ctx.caller.id || 'guest', ip: ctx.ip, requestId: ctx.requestId, details });

  const deniedReads = createAuditThinner({ perWindow: DENIED_READS_PER_MINUTE, windowMs: 60_000 });
  /** A read the rules refused (ASVS V16.3.2), thinned so probing cannot flood the log. */
  const auditDeniedRead = async (ctx: RecordsContext, details: { collection: string; id?: string; action: string }) => {
    const actor = ctx.caller.id || `guest:${ctx.clientKey ?? ctx.ip ?? ''}`;
    const { record, heldBack } = deniedReads.admit(`${actor}|${details.collection}`, now());
    if (record) await audit('records.read.denied', ctx, heldBack > 0 ? { ...details, heldBack } : details);
  };

  /**
   * On PostgreSQL, queries shaped by rules and client filters run under their own statement
   * timeout, so a hostile filter cannot hold a connection. SQLite cannot interrupt a statement
   * from JavaScript; there the bound is structural (see rules/limits.ts): every filter is
   * linear in the table size, with bounded terms, depth, hops and literal length.
   */
  const bounded = async <T>(work: (bdb: AnyDb) => Promise<T>): Promise<T> => {
    if (deps.dialect !== 'postgres') return work(db);
    try {
      return await db.transaction().execute(async (trx) => {
        await sql`set local statement_timeout = ${sql.raw(String(Math.trunc(ruleQueryTimeoutMs)))}`.execute(trx);
        return work(trx);
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === '57014') {
        throw appError('REC_QUERY_TIMEOUT', {
          detail: 'This query took too long and was stopped; narrow the filter.',
          expose: true,
          headers: { 'retry-after': '1' },
          cause: error,
        });
      }
      throw error;
    }
  };

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

  const findVisible = async (
    name: string,
    id: string,
    action: RuleAction,
    ctx: RecordsContext,
    body?: Record<string, string | number>,
  ) => {
    const loaded = await load(name);
    const condition = ruleCondition(action, ctx, { ...loaded, ...(body ? { body } : {}) });
    const table = tableName(name);
    const row = condition
      ? await db
          .selectFrom(table)
          .selectAll()
          .where(sql.ref(`${table}.id`), '=', id)
          .where(condition)
          .executeTakeFirst()
      : undefined;
    if (!row) {
      if (action !== 'view') await audit('records.write.denied', ctx, { collection: name, id, action });
      else if (
        await db
          .selectFrom(table)
          .select('id')
          .where(sql.ref(`${table}.id`), '=', id)
          .executeTakeFirst()
      ) {
        await auditDeniedRead(ctx, { collection: name, id, action });
      }
      throw appError('REC_NOT_FOUND');
    }
    return { ...loaded, row };
  };

  return {
    async list(name: string, query: ListQuery, ctx: RecordsContext) {
      const loaded = await load(name);
      const condition = ruleCondition('list', ctx, loaded);
      if (!condition) {
        await auditDeniedRead(ctx, { collection: name, action: 'list' });
        throw appError('REC_FORBIDDEN', { detail: 'Only administrators may list this collection.' });
      }
      const table = tableName(name);
      const filterResolver = createRecordResolver({ ...loaded, mode: 'filter', caller: ctx.caller });
      const filter = query.filter?.trim() ? compileRule(query.filter, filterResolver, deps.dialect) : null;
      const perPage = Math.min(Math.max(query.perPage, 1), MAX_PER_PAGE);
      const page = Math.max(query.page, 1);
      const sort = compileSort(query.sort ?? '-created', filterResolver, deps.dialect);
      const { totalItems, items } = await bounded(async (bdb) => {
        let scoped = bdb.selectFrom(table).where(condition);
        if (filter) scoped = scoped.where(filter);
        const countRow = await scoped.select(sql<number | string>`count(*)`.as('n')).executeTakeFirst();
        let rows = scoped.selectAll();
        for (const [expression, direction] of sort) rows = rows.orderBy(expression, direction);
        const found = await rows
          .orderBy(sql.ref(`${table}.id`))
          .limit(perPage)
          .offset((page - 1) * perPage)
          .execute();
        return { totalItems: Number(countRow?.n ?? 0), items: found };
      });
      return {
        page,
        perPage,
        totalItems,
        totalPages: Math.ceil(totalItems / perPage),
        items: await Promise.all(items.map((row) => encode(loaded.definition, row, ctx))),
      };
    },

    async view(name: string, id: string, ctx: RecordsContext): Promise<PublicRecord> {
      const { definition, row } = await findVisible(name, id, 'view', ctx);
      return encode(definition, row, ctx);
    },

    async create(name: string, body: unknown, ctx: RecordsContext): Promise<PublicRecord> {
      const loaded = await load(name);
      const values = decodeBody(loaded.definition, body, 'create');
      await checkRelations(loaded.definition, values);
      const id = randomUUID();
      const stamp = new Date(now()).toISOString();
      const record: StoredRow = { ...zeroRow(loaded.definition), ...values, id, created: stamp, updated: stamp };
      // The create rule runs in SQL over the would-be record, with the same semantics as the others.
      const condition = ruleCondition('create', ctx, { ...loaded, body: values, pendingRecord: record });
      const allowed =
        condition && (await sql<{ ok: number }>`SELECT 1 AS ok WHERE ${condition}`.execute(db)).rows.length > 0;
      if (!allowed) {
        await audit('records.write.denied', ctx, { collection: name, action: 'create' });
        throw appError('REC_FORBIDDEN');
      }
      const sealed = await sealValues(loaded.definition, id, record, deps.crypto);
      await insertOrConflict(() => db.insertInto(tableName(name)).values(sealed).execute());
      return encodeRecord(loaded.definition, sealed, deps.crypto);
    },

    async update(name: string, id: string, body: unknown, ctx: RecordsContext): Promise<PublicRecord> {
      const loaded = await load(name);
      const values = decodeBody(loaded.definition, body, 'update');
      await checkRelations(loaded.definition, values);
      const { definition } = await findVisible(name, id, 'update', ctx, values);
      const sealed = await sealValues(definition, id, values, deps.crypto);
      const table = tableName(name);
      await insertOrConflict(() =>
        db
          .updateTable(table)
          .set({ ...sealed, updated: new Date(now()).toISOString() })
          .where(sql.ref(`${table}.id`), '=', id)
          .execute(),
      );
      const row = await db
        .selectFrom(table)
        .selectAll()
        .where(sql.ref(`${table}.id`), '=', id)
        .executeTakeFirstOrThrow();
      return encodeRecord(definition, row, deps.crypto);
    },

    async remove(name: string, id: string, ctx: RecordsContext): Promise<void> {
      await findVisible(name, id, 'delete', ctx);
      const table = tableName(name);
      await db
        .deleteFrom(table)
        .where(sql.ref(`${table}.id`), '=', id)
        .execute();
    },
  };

  async function checkRelations(definition: CollectionDefinition, values: Record<string, string | number>) {
    for (const field of definition.fields.filter((f) => f.type === 'relation')) {
      const value = values[field.name];
      if (value === undefined || value === '') continue;
      const target = field.collection === 'users' ? 'users' : tableName(field.collection as string);
      const found = await db
        .selectFrom(target)
        .select(sql.ref(`${target}.id`).as('id'))
        .where(sql.ref(`${target}.id`), '=', value)
        .executeTakeFirst();
      if (!found) {
        throw appError('HTTP_VALIDATION', {
          fields: [{ field: field.name, code: 'relation', message: 'refers to no existing record' }],
        });
      }
    }
  }
}

function zeroRow(definition: CollectionDefinition): StoredRow {
  const row: StoredRow = {};
  for (const field of definition.fields) row[field.name] = field.encrypted ? '' : zeroValue(field.type);
  return row;
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
