import { appError } from '../../errors/index.js';
import { type Literal, type RuleTypes, type ValueType, zeroValue } from '../rules/browser.js';
import type { CollectionDefinition, FieldDefinition } from './collection-definition.js';

/*
 * Which names a rule or filter may use in a collection and what type each has: the half of the
 * record resolver that knows no SQL. record-resolver.ts builds its SQL on it, and the dashboard's
 * rule editor checks rules with it (browser.ts), so both decide names alike. Only type imports of
 * collection-definition.ts (its TypeBox schemas stay out of the browser).
 */

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

/** A field path a rule may use: a column of the record, or one field behind a relation. */
export type RuleField =
  | { kind: 'own'; name: string; type: ValueType }
  | { kind: 'users'; field: FieldDefinition; sub: string; type: ValueType }
  | { kind: 'related'; field: FieldDefinition; target: string; sub: string; type: ValueType };

export interface CollectionRuleTypes extends RuleTypes {
  resolveField(path: readonly string[]): RuleField | null;
}

/**
 * Hidden fields are reachable by rules but not by client filters, and encrypted fields by neither
 * (their stored form says nothing useful and must not become an oracle).
 */
export function createRuleTypes(options: ResolverOptions): CollectionRuleTypes {
  const { definition, mode } = options;
  const fieldsByName = new Map(definition.fields.map((f) => [f.name, f]));

  const requireFilterable = (field: FieldDefinition) => {
    if (field.encrypted || (field.hidden && mode === 'filter')) {
      throw appError('RULE_FIELD_NOT_FILTERABLE', {
        detail: `The field "${field.name}" cannot be used in filters or sorting`,
      });
    }
  };

  const relationTarget = (field: FieldDefinition, sub: string): RuleField | null => {
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
      return type ? { kind: 'users', field, sub, type } : null;
    }
    const related = options.relatedDefinition(target);
    const targetField = related?.fields.find((f) => f.name === sub);
    const isSystem = sub === 'id' || sub === 'created' || sub === 'updated';
    if (!related || (!targetField && !isSystem)) return null;
    if (targetField) requireFilterable(targetField);
    const type = targetField ? valueTypeOf(targetField) : isSystem && sub !== 'id' ? 'date' : 'text';
    return { kind: 'related', field, target, sub, type };
  };

  return {
    resolveField(path) {
      const [head, sub, ...rest] = path;
      if (!head || rest.length > 0) return null;
      if (head === 'id' || head === 'created' || head === 'updated') {
        return sub ? null : { kind: 'own', name: head, type: head === 'id' ? 'text' : 'date' };
      }
      const field = fieldsByName.get(head);
      if (!field) return null;
      requireFilterable(field);
      if (!sub) return { kind: 'own', name: field.name, type: valueTypeOf(field) };
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
        const type = valueTypeOf(field);
        const value = body !== undefined && Object.hasOwn(body, key) ? (body[key] as string | number) : zeroValue(type);
        return { value: field.type === 'bool' ? value === 1 : value, type };
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
