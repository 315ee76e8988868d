import { findUnstorableCharacter } from '../../lib/encoding/storable-text.js';
import type { CompareOperator } from './ast.js';
import type { ValueType } from './resolver.js';

/**
 * Value-level meaning of a comparison, used by constant folding in the compiler (compare-values.ts,
 * kept apart because it needs node:buffer while these type rules also run in the dashboard) and
 * mirrored by the SQL the compiler writes; the property tests hold the SQL to a reference model of these
 * same sentences (test/helpers/rules/reference-model.ts). Stated once here:
 *
 * - Three comparison families: text (`text`, `date`, `json`), number, bool. Both sides of a
 *   comparison must be in the same family, else RULE_TYPE_MISMATCH.
 * - Stored values are never NULL; `null` (a literal, a null request value, an empty relation)
 *   is the zero value of the other side's type: `''` for text and date, `0` for number, `false`
 *   for bool, the text `null` for json. So `title = null` means "title is empty".
 * - Bools compare as the integers 0/1 they are stored as; only `=` and `!=` apply to them.
 * - Text compares bytewise on UTF-8 (SQLite BINARY, PostgreSQL `COLLATE "C"`); for ASCII that is
 *   plain character order, and code-point order beyond it.
 * - `a ~ b` is "a contains b", case-insensitive for ASCII letters: SQL
 *   `instr(lower(a), lower(b)) > 0` (PostgreSQL `strpos`), a plain substring search, so a `~`
 *   operand is never a pattern (ASVS V1.2.9: no user-controlled patterns). Not LIKE: SQLite's
 *   `%…%` matcher backtracks, and 32 near-miss operands over 100,000 planted titles took 107 s
 *   (bench/worst-filter.ts); a substring search stays a scan.
 *   Case folding beyond ASCII differs between engines (PostgreSQL's lower() folds `É`, SQLite's
 *   does not) and is not part of the guarantee; constant folding lowers ASCII only, like SQLite.
 */

export type Family = 'text' | 'number' | 'bool';

/** A value ready to compare: text as string, numbers as number, bools as 0 or 1. */
export type Comparable = string | number;

export function familyOf(type: ValueType): Family {
  if (type === 'number') return 'number';
  if (type === 'bool') return 'bool';
  return 'text';
}

/** What a `null` stands for, and what every empty stored value of `type` is. */
export function zeroValue(type: ValueType): Comparable {
  if (type === 'json') return 'null';
  return type === 'number' || type === 'bool' ? 0 : '';
}

/** Operators each family accepts; ordering a bool or pattern-matching a number is refused. */
export function isOperatorAllowed(family: Family, op: CompareOperator): boolean {
  if (op === '=' || op === '!=') return true;
  if (op === '~' || op === '!~') return family === 'text';
  return family !== 'bool';
}

/** True when the string can be bound as text on every engine: no NUL, no lone surrogate. */
export function isStorableText(value: string): boolean {
  return findUnstorableCharacter(value) === undefined;
}
