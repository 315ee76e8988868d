import { type Expression, sql } from 'kysely';
import { appError } from '../../errors/index.js';
import type { FieldResolver, Literal, ValueType } from '../rules/index.js';
import { type CollectionDefinition, type FieldDefinition, tableName } from './collection-definition.js';
import { zeroValue } from './field-values.js';

/** Who is asking: the values behind `@request.auth.*`. Guests have empty strings. */
export interface Caller {
  id: string;
  role: '' | 'user' | 'admin';
  email: string;
  verified: boolean;
}

export const GUEST: Caller = { id: '', role: '', email: '', verified: false };

/** Rules are written by administrators; filters come from clients and see less. */
export type ResolverMode = 'rule' | 'filter';

/**
 * Fields of the users table a relation to "users" may reach in rules. Every name from rule text
 * is looked up in a Map (or with Object.hasOwn), never as a plain object's property: `owner.constructor`
 * must be an unknown field, not Object.prototype.constructor turned into a column (CWE-1321).
 */
const USER_FIELDS: ReadonlyMap<string, ValueType> = new Map([
  ['id', 'text'],
  ['role', 'text'],
  ['verified', 'bool'],
]);

export function valueTypeOf(field: FieldDefinition): ValueType {
  if (field.type === 'number') return 'number';
  if (field.type === 'bool') return 'bool';
  if (field.type === 'date') return 'date';
  if (field.type === 'json') return 'json';
  return 'text';
}

export interface ResolverOptions {
  definition: CollectionDefinition;
  mode: ResolverMode;
  caller: Caller;
  /** The request body's values (already converted), for `@request.body.*`. */
  body?: Readonly<Record<string, string | number>>;
  /** Loads a related collection's definition, for relation paths. */
  relatedDefinition: (name: string) => CollectionDefinition | undefined;
  /** Column values of a record not yet stored (create rules): fields resolve to these as bound values. */
  pendingRecord?: Readonly<Record<string, string | number>>;
}

/**
 * The two-method resolver the rule compiler sees. Identifiers come only from the collection's
 * definition; hidden fields are reachable by rules but not by client filters, and encrypted
 * fields by neither (their stored form says nothing useful and must not become an oracle).
 */
export function createRecordResolver(options: ResolverOptions): FieldResolver {
  const { definition, mode } = options;
  const table = tableName(definition.name);
  const fieldsByName = new Map(definition.fields.map((f) => [f.name, f]));

  const requireFilterable = (field: FieldDefinition) => {
    if (field.encrypted || (field.hidden && mode === 'filter')) {
      throw appError('RULE_FIELD_NOT_FILTERABLE', {
        detail: `The field "${field.name}" cannot be used in filters or sorting`,
      });
    }
  };

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

  const relationTarget = (
    field: FieldDefinition,
    sub: string,
  ): { sql: Expression<unknown>; type: ValueType } | null => {
    const target = field.collection as string;
    // A client filter must not read through a relation what the target's own view rule hides:
    // only public targets (view rule "") can be followed, and users only by id.
    if (
      mode === 'filter' &&
      (target === 'users' ? sub !== 'id' : options.relatedDefinition(target)?.rules.view !== '')
    ) {
      throw appError('RULE_FIELD_NOT_FILTERABLE', {
        detail: `The relation "${field.name}.${sub}" cannot be used in filters or sorting`,
      });
    }
    if (target === 'users') {
      const type = USER_FIELDS.get(sub);
      if (!type) return null;
      return {
        sql: sql`COALESCE((SELECT ${sql.ref(`rel_u.${sub}`)} FROM users AS rel_u WHERE rel_u.id = ${ownColumn(field.name)}), ${zeroFor(type)})`,
        type,
      };
    }
    const related = options.relatedDefinition(target);
    const targetField = related?.fields.find((f) => f.name === sub);
    const isSystem = sub === 'id' || sub === 'created' || sub === 'updated';
    if (!related || (!targetField && !isSystem)) return null;
    if (targetField) requireFilterable(targetField);
    const type = targetField ? valueTypeOf(targetField) : isSystem && sub !== 'id' ? 'date' : 'text';
    const alias = `rel_${field.name}`;
    return {
      sql: sql`COALESCE((SELECT ${sql.ref(`${alias}.${sub}`)} FROM ${sql.table(tableName(target))} AS ${sql.id(alias)} WHERE ${sql.ref(`${alias}.id`)} = ${ownColumn(field.name)}), ${zeroFor(type)})`,
      type,
    };
  };

  return {
    resolveField(path) {
      const [head, sub, ...rest] = path;
      if (!head || rest.length > 0) return null;
      if (head === 'id' || head === 'created' || head === 'updated') {
        return sub ? null : { sql: ownColumn(head), type: head === 'id' ? 'text' : 'date' };
      }
      const field = fieldsByName.get(head);
      if (!field) return null;
      requireFilterable(field);
      if (!sub) return { sql: ownColumn(field.name), type: valueTypeOf(field) };
      return field.type === 'relation' ? relationTarget(field, sub) : null;
    },

    resolveRequest(path) {
      const [scope, key, ...rest] = path;
      if (!key) return undefined;
      if (scope === 'body' && rest.length === 1 && rest[0] === ':isset') {
        // Lets a rule name the fields a caller may change: `@request.body.owner:isset = false`.
        if (!fieldsByName.has(key)) return undefined;
        return { value: options.body !== undefined && Object.hasOwn(options.body, key), type: 'bool' };
      }
      if (rest.length > 0) return undefined;
      if (scope === 'auth') return authValue(options.caller, key);
      if (scope === 'body') {
        const field = fieldsByName.get(key);
        if (!field || field.encrypted) return undefined;
        const body = options.body;
        const value =
          body !== undefined && Object.hasOwn(body, key) ? (body[key] as string | number) : zeroValue(field.type);
        return { value: toLiteral(field, value), type: valueTypeOf(field) };
      }
      return undefined;
    },
  };
}

function authValue(caller: Caller, key: string): { value: Literal; type: ValueType } | undefined {
  if (key === 'id') return { value: caller.id, type: 'text' };
  if (key === 'role') return { value: caller.role, type: 'text' };
  if (key === 'email') return { value: caller.email, type: 'text' };
  if (key === 'verified') return { value: caller.verified, type: 'bool' };
  return undefined;
}

function toLiteral(field: FieldDefinition, value: string | number): Literal {
  return field.type === 'bool' ? value === 1 : value;
}

function zeroFor(type: ValueType): string | number {
  return type === 'number' || type === 'bool' ? 0 : type === 'json' ? 'null' : '';
}
