import { type Expression, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../../db/index.js';
import type { ValueType } from './resolver.js';
import { familyOf, zeroValue } from './semantics.js';

/**
 * The SQL for a resolved field as a comparison or sort operand.
 * - Relation paths (more than one segment) are wrapped in `coalesce(…, zero)`: an empty
 *   relation must read as the zero value (semantics.ts), not as NULL (which would
 *   silently turn `!=` into "no match"). The zero is a constant of ours, never rule text.
 * - Text ordered on PostgreSQL gets `collate "C"` so `<` and `order by` are bytewise, like
 *   SQLite's BINARY, whatever the database's default collation.
 */
export function fieldSql(
  expression: Expression<unknown>,
  path: readonly string[],
  type: ValueType,
  dialect: DialectName,
  isOrdering: boolean,
): RawBuilder<unknown> {
  const value = path.length > 1 ? sql`coalesce(${expression}, ${sql.lit(zeroValue(type))})` : sql`${expression}`;
  return isOrdering && familyOf(type) === 'text' && dialect === 'postgres' ? sql`${value} collate "C"` : value;
}
