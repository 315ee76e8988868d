import type { Expression } from 'kysely';

/**
 * The seam between the rule language and the collections that use it (PocketBase-style: the
 * compiler sees only these two methods). Identifiers reach SQL only through `resolveField`, so
 * nothing in rule text can ever name a table or column that the collection's schema did not.
 */

/**
 * How a value is stored and compared. `text`, `date` and `json` are stored as text and compare
 * as text (dates as ISO-8601 UTC strings); `number` as a double; `bool` as the integers 0/1.
 */
export type ValueType = 'text' | 'number' | 'bool' | 'date' | 'json';

export type Literal = string | number | boolean | null;

/**
 * Implemented by collections for one collection and one request.
 *
 * Contract for `resolveField` expressions (the compiler relies on it):
 * - built only from schema identifiers (`sql.ref`, `sql.table`), never from the rule text;
 * - never NULL: stored values are zero values (`''`, `0`, `0`/`1`); relation paths are wrapped
 *   in `COALESCE(…, zero)` by the compiler as a second line of defence, but an implementer's
 *   subquery should already yield the zero value for an empty relation;
 * - `number` columns are `REAL` / `double precision` (a decimal parameter against a PostgreSQL
 *   integer column would fail), `bool` columns integers 0/1, `json` columns text (not `jsonb`).
 */
export interface FieldResolver {
  /**
   * A field path of the queried collection: its SQL expression (built only from schema
   * identifiers, never from the rule text) and its type; null when unknown; throw AppError
   * RULE_FIELD_NOT_FILTERABLE for hidden/encrypted fields. Relation paths like
   * ['author','name'] are resolved by the implementer (e.g. a correlated subquery); the
   * compiler enforces MAX_RELATION_DEPTH on path length.
   */
  resolveField(path: readonly string[]): { sql: Expression<unknown>; type: ValueType } | null;
  /**
   * @request.auth.id, @request.auth.role, @request.body.x…: the value for this request;
   * undefined when unknown (→ RULE_UNKNOWN_REQUEST_FIELD). A null value compares as the zero
   * value of the other side, like the `null` literal (a guest's `@request.auth.id` is `''`).
   */
  resolveRequest(path: readonly string[]): { value: Literal; type: ValueType } | undefined;
}

/** Options of compileRule. */
export interface RuleOptions {
  /** The instant `@now` stands for; defaults to the current time. Tests pin it. */
  now?: Date;
  /**
   * For SQL kept and run again for other requests: each value taken from the request
   * (`@request.*`, `@now`) is bound as what this returns for its place instead of the value
   * itself, and readRequestValues gives any later request's value for each place. Decided
   * comparisons still use this request's values, so the SQL fits every request whose
   * `decisions` are the same.
   */
  requestParameter?: (place: number) => unknown;
}
