import { type CompiledQuery, type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../db/index.js';
import {
  compileRule,
  compileSort,
  type FieldResolver,
  type RequestValues,
  type RuleOptions,
  readRequestValues,
} from '../rules/index.js';
import { type CollectionDefinition, tableName } from './collection-definition.js';
import type { StoredRow } from './record-codec.js';
import { type Caller, createRecordResolver } from './record-resolver.js';

/**
 * Most distinct list shapes kept compiled. A shape is a collection definition with a rule
 * outcome, a filter and a sort; clients choose filters and sorts freely, so the bound keeps
 * memory flat whatever they send (least recently used goes first).
 */
export const MAX_KEPT_LIST_STATEMENTS = 256;

/** One list request, as its statements need it. */
export interface ListRequest {
  definition: CollectionDefinition;
  relatedDefinition: (name: string) => CollectionDefinition | undefined;
  caller: Caller;
  /** Administrators are not bound by the list rule (the filter still applies). */
  isAdmin: boolean;
  filter: string | undefined;
  sort: string;
  /** Already clamped by the caller: the page size and the 1-based page. */
  perPage: number;
  page: number;
  /** The instant `@now` stands for, the same for the rule and the filter. */
  now: Date;
}

/** The two statements of a list: the count (unless `skipTotal`) and the page. */
export interface ListStatements {
  count: CompiledQuery<{ n: number | string }>;
  list: CompiledQuery<StoredRow>;
}

type AnyDb = Kysely<Record<string, StoredRow>>;

/** What a request binds to kept statements: its rule and filter values and its page window. */
interface Bound {
  rule: RequestValues;
  filter: RequestValues;
  limit: number;
  offset: number;
}

/**
 * A placeholder compiled into kept SQL where a request's value goes. Only objects of this class
 * are replaced before a run, and a request's values are strings and numbers, so no value of one
 * request can be taken for a placeholder or stay in SQL that another request runs.
 */
class Slot {
  constructor(readonly valueFrom: (bound: Bound) => unknown) {}
}

const LIMIT = new Slot((bound) => bound.limit);
const OFFSET = new Slot((bound) => bound.offset);

/** How the caller's values enter the SQL: as themselves, or as placeholders bound per run. */
interface Binding {
  rule: RuleOptions;
  filter: RuleOptions;
  limit: unknown;
  offset: unknown;
}

/**
 * The list and count statements of records lists, compiled once per shape and run again with
 * each request's values (Kysely's query building cost more than the indexed query it builds).
 * See `statementsFor` for why a kept statement is never stale and never carries another
 * caller's values.
 */
export function createListStatements(deps: { db: AnyDb; dialect: DialectName; maxKept?: number }) {
  const maxKept = deps.maxKept ?? MAX_KEPT_LIST_STATEMENTS;
  const kept = new Map<string, ListStatements>();
  const identityOf = createIdentities();

  const resolversOf = (request: ListRequest) => {
    const base = { definition: request.definition, relatedDefinition: request.relatedDefinition };
    return {
      rule: createRecordResolver({ ...base, mode: 'rule', caller: request.caller }),
      filter: createRecordResolver({ ...base, mode: 'filter', caller: request.caller }),
    };
  };

  const build = (request: ListRequest, resolvers: Resolvers, binding: Binding): ListStatements =>
    buildStatements(deps.db, deps.dialect, request, resolvers, binding);

  /** Statements compiled afresh with this request's values in them: no reuse. */
  const compile = (request: ListRequest): ListStatements => {
    const options = { now: request.now };
    const window = pageWindow(request);
    return build(request, resolversOf(request), { rule: options, filter: options, ...window });
  };

  return {
    compile,

    /**
     * The statements for this request, rebound to its values when an earlier request had the
     * same shape. The key holds everything the SQL text depends on: the definition's identity
     * (a changed definition is a new frozen object, so a new key) and those of the collections
     * its relations reach, the rule's and the filter's decisions for this caller (a guest's
     * `@request.auth.id != ""` is folded to false, a user's to true: different SQL), the filter
     * and sort texts, and whether the rule applies at all (administrators). It never holds a
     * caller's value, so one entry serves every caller with the same decisions; their values
     * (`@request.*`, `@now`, the page window) are placeholders in the kept SQL, replaced by
     * this request's own before every run. One instance serves one database, so one dialect.
     * @throws AppError `RULE_*` (400), exactly as compiling afresh would
     */
    statementsFor(request: ListRequest): ListStatements {
      const resolvers = resolversOf(request);
      const filterText = filterOf(request);
      let bound: Bound;
      try {
        bound = {
          rule: readRequestValues(ruleOf(request), resolvers.rule, request.now),
          filter: readRequestValues(filterText, resolvers.filter, request.now),
          ...pageWindow(request),
        };
      } catch {
        // The one compiler reports the refusal (the same RULE_* error, in the same order).
        return compile(request);
      }
      const key = JSON.stringify([
        identityOf(request.definition),
        relatedIdentities(request, identityOf),
        request.isAdmin ? null : bound.rule.decisions,
        filterText,
        bound.filter.decisions,
        request.sort,
      ]);
      let statements = kept.get(key);
      if (statements) {
        kept.delete(key);
      } else {
        statements = build(request, resolvers, PLACEHOLDERS);
        if (kept.size >= maxKept) kept.delete(kept.keys().next().value as string);
      }
      kept.set(key, statements);
      return { count: bindSlots(statements.count, bound), list: bindSlots(statements.list, bound) };
    },
  };
}

type Resolvers = { rule: FieldResolver; filter: FieldResolver };

const PLACEHOLDERS: Binding = {
  rule: { requestParameter: (place) => new Slot((bound) => bound.rule.valueAt(place)) },
  filter: { requestParameter: (place) => new Slot((bound) => bound.filter.valueAt(place)) },
  limit: LIMIT,
  offset: OFFSET,
};

/** The list rule to apply: none for administrators; a locked list never gets this far. */
function ruleOf(request: ListRequest): string | null {
  if (request.isAdmin) return null;
  const rule = request.definition.rules.list;
  // null would compile to "no condition": the records service refuses a locked list before this.
  if (rule === null) throw new Error(`list of ${request.definition.name} is locked; refuse it before building`);
  return rule;
}

/** The filter text, or '' for none (blank text is no filter). */
function filterOf(request: ListRequest): string {
  return request.filter?.trim() ? request.filter : '';
}

function pageWindow(request: ListRequest): { limit: number; offset: number } {
  return { limit: request.perPage, offset: (request.page - 1) * request.perPage };
}

function buildStatements(
  db: AnyDb,
  dialect: DialectName,
  request: ListRequest,
  resolvers: Resolvers,
  binding: Binding,
): ListStatements {
  const table = tableName(request.definition.name);
  const now = { now: request.now };
  const condition = compileRule(ruleOf(request), resolvers.rule, dialect, { ...now, ...binding.rule });
  const filterText = filterOf(request);
  const filter: Expression<SqlBool> | null = filterText
    ? compileRule(filterText, resolvers.filter, dialect, { ...now, ...binding.filter })
    : null;
  const sort = compileSort(request.sort, resolvers.filter, dialect);
  let scoped = db.selectFrom(table).where(condition);
  if (filter) scoped = scoped.where(filter);
  let rows = scoped.selectAll();
  for (const [expression, direction] of sort) rows = rows.orderBy(expression, direction);
  return {
    count: scoped.select(sql<number | string>`count(*)`.as('n')).compile(),
    list: rows
      .orderBy(sql.ref(`${table}.id`))
      .limit(sql<number>`${binding.limit}`)
      .offset(sql<number>`${binding.offset}`)
      .compile(),
  };
}

/** The kept statement with every placeholder replaced by this request's value. */
function bindSlots<R>(statement: CompiledQuery<R>, bound: Bound): CompiledQuery<R> {
  return {
    ...statement,
    parameters: statement.parameters.map((parameter) =>
      parameter instanceof Slot ? parameter.valueFrom(bound) : parameter,
    ),
  };
}

/**
 * A number per object, never reused: definitions are frozen and replaced (not changed) when
 * they change, so the number names one version. Weak, so old versions can be collected.
 */
function createIdentities(): (value: object) => number {
  const numbers = new WeakMap<object, number>();
  let next = 0;
  return (value) => {
    let number = numbers.get(value);
    if (number === undefined) {
      number = ++next;
      numbers.set(value, number);
    }
    return number;
  };
}

/** The versions of the collections the definition's relations reach (their fields and view rules shape filters). */
function relatedIdentities(request: ListRequest, identityOf: (value: object) => number): number[] {
  const identities: number[] = [];
  for (const field of request.definition.fields) {
    if (field.type !== 'relation' || !field.collection || field.collection === 'users') continue;
    const related = request.relatedDefinition(field.collection);
    identities.push(related ? identityOf(related) : 0);
  }
  return identities;
}
