import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../db/index.js';
import type { CompareNode, CompareOperator, Operand, RuleNode } from './ast.js';
import { type CheckedCompare, checkCompare, type FieldSide, type ValueSide } from './check-compare.js';
import { compareValues } from './compare-values.js';
import { fieldSql } from './field-sql.js';
import { parseRuleCached } from './parse-cache.js';
import type { FieldResolver, RuleOptions, ValueType } from './resolver.js';
import { collectCompares } from './rule-shape.js';
import type { Family } from './semantics.js';

/**
 * Compiles a rule into a Kysely boolean expression. Every value — literals, `@request.*`,
 * `@now` — is a bound parameter; every identifier comes from the resolver's expressions; the
 * only other SQL text is the fixed operators below. So no rule text can change the query's
 * shape (SQL injection, CWE-89). The meaning is stated once in semantics.ts; rules are decided only
 * here, in SQL, for lists and single records alike (no second evaluator to drift from it).
 *
 * Comparisons with no field on either side are decided here (constant folding), and `&&`/`||`
 * with a decided side simplify: `@request.auth.id != "" && owner = @request.auth.id` is
 * `1 = 0` for a guest and `"owner" = ?` for a signed-in user.
 *
 * @param rule rule text, a parsed tree, or null; `""` and null mean "no condition" (`1 = 1`)
 * @throws AppError `RULE_*` (400) naming the position
 * @example db.selectFrom('posts').selectAll().where(compileRule(filter, resolver, 'sqlite'))
 */
export function compileRule(
  rule: RuleNode | string | null,
  resolver: FieldResolver,
  dialect: DialectName,
  options: RuleOptions = {},
): Expression<SqlBool> {
  const node = typeof rule === 'string' ? parseRuleCached(rule) : rule;
  if (node === null) return TRUE_SQL;
  const compares = collectCompares(node);
  const compiled = compileNode(node, {
    resolver,
    dialect,
    now: options.now ?? new Date(),
    places: options.requestParameter ? new Map(compares.map((compare, index) => [compare, index])) : undefined,
    requestParameter: options.requestParameter,
  });
  if (compiled === true) return TRUE_SQL;
  if (compiled === false) return FALSE_SQL;
  return compiled;
}

const TRUE_SQL = sql<SqlBool>`1 = 1`;
const FALSE_SQL = sql<SqlBool>`1 = 0`;

/** A decided comparison (true/false) or SQL left for the database. */
type Compiled = boolean | RawBuilder<SqlBool>;

interface CompileContext {
  resolver: FieldResolver;
  dialect: DialectName;
  now: Date;
  /** Each comparison's index in rule order (collectCompares), when request values become placeholders. */
  places: ReadonlyMap<CompareNode, number> | undefined;
  requestParameter: RuleOptions['requestParameter'];
}

/** Fixed SQL spelling of each comparison operator: the only operator text that reaches SQL. */
const SQL_OPERATORS: Readonly<Record<Exclude<CompareOperator, '~' | '!~'>, string>> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

/** Substring search by dialect: `instr` on SQLite, `strpos` on PostgreSQL (1-based, 0 = absent). */
const SUBSTRING_POSITION: Readonly<Record<DialectName, string>> = { sqlite: 'instr', postgres: 'strpos' };

function compileNode(node: RuleNode, context: CompileContext): Compiled {
  if (node.kind === 'compare') return compileCompare(node, context);
  // Both sides are compiled before simplifying, so a bad comparison is reported even next to
  // a decided one: whether a rule is refused never depends on the request's values.
  const left = compileNode(node.left, context);
  const right = compileNode(node.right, context);
  if (node.kind === 'and') {
    if (left === false || right === false) return false;
    if (left === true) return right;
    if (right === true) return left;
    return sql<SqlBool>`(${left} and ${right})`;
  }
  if (left === true || right === true) return true;
  if (left === false) return right;
  if (right === false) return left;
  return sql<SqlBool>`(${left} or ${right})`;
}

type Resolved = { sql: Expression<unknown>; type: ValueType };

function compileCompare(node: CompareNode, context: CompileContext): Compiled {
  const checked: CheckedCompare<Resolved> = checkCompare(node, context.resolver, context.now);
  const { op, family, left, right } = checked;
  if (left.kind === 'value' && right.kind === 'value') return compareValues(family, op, left.value, right.value);
  const isOrdering = op !== '=' && op !== '!=' && op !== '~' && op !== '!~';
  const index = context.places?.get(node);
  const leftSql = sideSql(left, parameterOf(node.left, left, index, 'left', context), family, context, isOrdering);
  const rightSql = sideSql(right, parameterOf(node.right, right, index, 'right', context), family, context, isOrdering);
  if (op === '~' || op === '!~') {
    // checkCompare guarantees a value (a parameter) on the right of ~. A plain substring search:
    // the operand is never a pattern, and the search cannot backtrack the way LIKE '%…%' does.
    const position = sql`${sql.raw(SUBSTRING_POSITION[context.dialect])}(lower(${leftSql}), lower(${rightSql}))`;
    return op === '~' ? sql<SqlBool>`${position} > 0` : sql<SqlBool>`${position} = 0`;
  }
  return sql<SqlBool>`${leftSql} ${sql.raw(SQL_OPERATORS[op])} ${rightSql}`;
}

/** Where a request value sits: two places per comparison, left then right (see readRequestValues). */
export function requestPlace(compareIndex: number, side: 'left' | 'right'): number {
  return 2 * compareIndex + (side === 'left' ? 0 : 1);
}

/** What a value side binds: the value, or for a request value under `requestParameter` its placeholder. */
function parameterOf(
  operand: Operand,
  side: FieldSide<Resolved> | ValueSide,
  compareIndex: number | undefined,
  which: 'left' | 'right',
  context: CompileContext,
): unknown {
  if (side.kind !== 'value') return undefined;
  const isFromRequest = operand.kind === 'request' || operand.kind === 'now';
  return isFromRequest && compareIndex !== undefined && context.requestParameter
    ? context.requestParameter(requestPlace(compareIndex, which))
    : side.value;
}

function sideSql(
  side: FieldSide<Resolved> | ValueSide,
  parameter: unknown,
  family: Family,
  context: CompileContext,
  isOrdering: boolean,
): RawBuilder<unknown> {
  if (side.kind === 'value') {
    // PostgreSQL infers an untyped parameter's type from the other side; when that side is
    // itself a bound value (a resolver may bind a pending record's fields), `$1 < $2` would
    // compare numbers as text ('9' > '10'). A typed parameter keeps numbers numeric.
    return family === 'number' && context.dialect === 'postgres'
      ? sql`cast(${parameter} as double precision)`
      : sql.val(parameter);
  }
  return fieldSql(side.resolved.sql, side.path, side.type, context.dialect, isOrdering);
}
