import type { Expression } from 'kysely';
import type { DialectName } from '../../db/index.js';
import { ruleError, tooManyHops, withPosition } from './errors.js';
import { fieldSql } from './field-sql.js';
import { isPlainName } from './lexer.js';
import { MAX_EXPRESSION_LENGTH, MAX_RELATION_DEPTH, MAX_RELATION_PATHS, MAX_SORT_KEYS } from './limits.js';
import type { FieldResolver } from './resolver.js';

/** One ORDER BY term: `for (const [expression, direction] of keys) q = q.orderBy(expression, direction)`. */
export type SortKey = readonly [expression: Expression<unknown>, direction: 'asc' | 'desc'];

/**
 * Compiles `sort=` text — comma-separated field paths, each optionally prefixed with `-`
 * (descending) or `+` (ascending), e.g. `-created,title` — into ORDER BY terms. Identifiers
 * reach SQL only through the resolver, so sort text cannot inject (CWE-89); only filterable
 * fields qualify (the resolver refuses hidden and encrypted ones, which would otherwise leak
 * through ordering). Empty text means no ordering.
 *
 * Pass the dialect: on PostgreSQL text keys then sort with `collate "C"`, bytewise like SQLite,
 * so a page boundary falls at the same record on both engines; without it the database's
 * default collation decides.
 * @throws AppError `RULE_*` (400) naming the position
 * @example for (const [expression, direction] of compileSort('-created,title', resolver, 'postgres')) q = q.orderBy(expression, direction)
 */
export function compileSort(text: string, resolver: FieldResolver, dialect?: DialectName): SortKey[] {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw ruleError('RULE_TOO_LONG', `sort longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH);
  }
  if (text.trim() === '') return [];
  const keys: SortKey[] = [];
  let offset = 0;
  let relationKeys = 0;
  for (const part of text.split(',')) {
    if (keys.length === MAX_SORT_KEYS) {
      throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_SORT_KEYS} sort keys`, offset);
    }
    // A relation key is a subquery per row sorted (limits.ts).
    if (part.includes('.') && ++relationKeys > MAX_RELATION_PATHS) {
      const keys = MAX_RELATION_PATHS === 1 ? 'relation sort key' : 'relation sort keys';
      throw ruleError('RULE_TOO_MANY_TERMS', `more than ${MAX_RELATION_PATHS} ${keys}`, offset);
    }
    keys.push(compileSortKey(part, offset, resolver, dialect));
    offset += part.length + 1;
  }
  return keys;
}

function compileSortKey(
  part: string,
  offset: number,
  resolver: FieldResolver,
  dialect: DialectName | undefined,
): SortKey {
  const start = offset + (part.length - part.trimStart().length);
  const key = part.trim();
  const direction = key.startsWith('-') ? 'desc' : 'asc';
  const name = key.startsWith('-') || key.startsWith('+') ? key.slice(1) : key;
  const path = name.split('.');
  if (name === '' || !path.every(isPlainName)) {
    throw ruleError('RULE_SYNTAX', 'expected a field name, optionally prefixed with - or +', start);
  }
  if (path.length > MAX_RELATION_DEPTH + 1) {
    throw tooManyHops(JSON.stringify(name), start);
  }
  const resolved = withPosition(start, () => resolver.resolveField(path));
  if (resolved === null) throw ruleError('RULE_UNKNOWN_FIELD', `unknown field "${name}"`, start);
  return [fieldSql(resolved.sql, path, resolved.type, dialect ?? 'sqlite', true), direction];
}
