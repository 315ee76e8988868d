import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { AuditLogTable, Database, DatabaseTables } from '../../db/index.js';

/** One event type exactly, or every type of a family: `{prefix: 'auth.'}` for `auth.*`. */
export type AuditTypeFilter = { exact: string } | { prefix: string };

/** What an administrator can search the audit log by; every value reaches SQL as a bound parameter. */
export interface AuditQuery {
  fromMs?: number | undefined;
  toMs?: number | undefined;
  type?: AuditTypeFilter | undefined;
  actor?: string | undefined;
  /** The canonical spelling of an address, as entries store it. */
  ip?: string | undefined;
  offset: number;
  limit: number;
  /** Skip the count when the caller does not need `totalItems` (a count scans every match). */
  withTotal: boolean;
}

export interface AuditPage {
  rows: AuditLogTable[];
  /** Null when `withTotal` was false. */
  total: number | null;
}

type AuditExpressions = ExpressionBuilder<DatabaseTables, 'audit_log'>;

/**
 * The family `auth.` as a byte range [`auth.`, `auth/`): `/` follows `.` in ASCII, so the range
 * holds exactly the types starting with the prefix and an index on the type serves it. SQLite
 * compares text bytewise by default; PostgreSQL is told to (`COLLATE "C"`, indexed in 0010),
 * since a linguistic collation may ignore punctuation.
 */
function typeFamily(database: Database, prefix: string): Expression<SqlBool> {
  const upper = `${prefix.slice(0, -1)}/`;
  return database.dialect === 'postgres'
    ? sql<SqlBool>`(type COLLATE "C" >= ${prefix} AND type COLLATE "C" < ${upper})`
    : sql<SqlBool>`(type >= ${prefix} AND type < ${upper})`;
}

function conditions(database: Database, query: AuditQuery, eb: AuditExpressions): Expression<SqlBool>[] {
  const found: Expression<SqlBool>[] = [];
  if (query.fromMs !== undefined) found.push(eb('at_ms', '>=', query.fromMs));
  if (query.toMs !== undefined) found.push(eb('at_ms', '<=', query.toMs));
  if (query.type && 'exact' in query.type) found.push(eb('type', '=', query.type.exact));
  if (query.type && 'prefix' in query.type) found.push(typeFamily(database, query.type.prefix));
  if (query.actor !== undefined) found.push(eb('actor', '=', query.actor));
  if (query.ip !== undefined) found.push(eb('ip', '=', query.ip));
  return found;
}

/** Audit entries matching `query`, newest first, one page of them, and how many match in all. */
export async function searchAuditLog(database: Database, query: AuditQuery): Promise<AuditPage> {
  const where = (eb: AuditExpressions) => eb.and(conditions(database, query, eb));
  const rows = await database.db
    .selectFrom('audit_log')
    .selectAll()
    .where(where)
    .orderBy('seq', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  if (!query.withTotal) return { rows, total: null };
  const counted = await database.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .where(where)
    .executeTakeFirst();
  return { rows, total: Number(counted?.total ?? 0) };
}

/** How many entries of each event type were written in [fromMs, toMs]; types are few (code names them). */
export async function countAuditTypes(database: Database, fromMs: number, toMs: number) {
  const rows = await database.db
    .selectFrom('audit_log')
    .select(['type', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('at_ms', '>=', fromMs)
    .where('at_ms', '<=', toMs)
    .groupBy('type')
    .execute();
  return rows.map((row) => ({ type: row.type, count: Number(row.count) }));
}

/** Rows per read while exporting: memory stays flat whatever the size of the log. */
const EXPORT_PAGE_ENTRIES = 1000;

/** The entries written in [fromMs, toMs] in chain order, read a page at a time by seq (keyset). */
export async function* readAuditRange(
  database: Database,
  range: { fromMs: number; toMs?: number | undefined },
): AsyncGenerator<AuditLogTable> {
  let afterSeq = 0;
  for (;;) {
    let query = database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', afterSeq)
      .where('at_ms', '>=', range.fromMs)
      .orderBy('seq', 'asc')
      .limit(EXPORT_PAGE_ENTRIES);
    if (range.toMs !== undefined) query = query.where('at_ms', '<=', range.toMs);
    const rows = await query.execute();
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < EXPORT_PAGE_ENTRIES) return;
    afterSeq = last.seq;
  }
}

/** How many entries `readAuditRange` will give, for a progress bar. */
export async function countAuditRange(database: Database, range: { fromMs: number; toMs?: number | undefined }) {
  const page = await searchAuditLog(database, { ...range, offset: 0, limit: 1, withTotal: true });
  return page.total ?? 0;
}
