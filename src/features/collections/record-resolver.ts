import { type Expression, sql } from 'kysely';
import type { FieldResolver, ValueType } from '../rules/index.js';
import { tableName } from './collection-definition.js';
import { createRuleTypes, type ResolverOptions, type RuleField } from './rule-types.js';

export { type Caller, GUEST, type ResolverMode, type ResolverOptions } from './rule-types.js';

/**
 * The two-method resolver the rule compiler sees: rule-types.ts decides which names exist and
 * their types (the dashboard checks rules with the same code); this adds their SQL. Identifiers
 * come only from the collection's definition, never from the rule text.
 */
export function createRecordResolver(options: ResolverOptions): FieldResolver {
  const types = createRuleTypes(options);
  const table = tableName(options.definition.name);
  const fieldsByName = new Map(options.definition.fields.map((f) => [f.name, f]));

  const ownColumn = (name: string): Expression<unknown> => {
    const pending = options.pendingRecord;
    if (!pending) return sql.ref(`${table}.${name}`);
    // A record not stored yet: its values are parameters, typed like the columns they stand for
    // (two untyped parameters would compare as text on PostgreSQL).
    const value = Object.hasOwn(pending, name) ? (pending[name] as string | number) : '';
    const type = fieldsByName.get(name)?.type;
    if (type === 'number') return sql`cast(${value} as double precision)`;
    if (type === 'bool') return sql`cast(${value} as integer)`;
    return sql`cast(${value} as text)`;
  };

  const fieldSql = (target: RuleField): Expression<unknown> => {
    if (target.kind === 'own') return ownColumn(target.name);
    if (target.kind === 'users') {
      return sql`COALESCE((SELECT ${sql.ref(`rel_u.${target.sub}`)} FROM users AS rel_u WHERE rel_u.id = ${ownColumn(target.field.name)}), ${zeroFor(target.type)})`;
    }
    const alias = `rel_${target.field.name}`;
    return sql`COALESCE((SELECT ${sql.ref(`${alias}.${target.sub}`)} FROM ${sql.table(tableName(target.target))} AS ${sql.id(alias)} WHERE ${sql.ref(`${alias}.id`)} = ${ownColumn(target.field.name)}), ${zeroFor(target.type)})`;
  };

  return {
    resolveField(path) {
      const target = types.resolveField(path);
      return target && { sql: fieldSql(target), type: target.type };
    },
    resolveRequest: (path) => types.resolveRequest(path),
  };
}

function zeroFor(type: ValueType): string | number {
  return type === 'number' || type === 'bool' ? 0 : type === 'json' ? 'null' : '';
}
