import type { FieldError } from '../../errors/index.js';
import {
  type CollectionDefinition,
  type FieldDefinition,
  RULE_ACTIONS,
  type RuleAction,
} from './collection-definition.js';

/** How one collection's fields move from a current definition to the next. */
export interface FieldDiff {
  added: FieldDefinition[];
  dropped: FieldDefinition[];
  /** Fields in both, as in the next definition, with what the current one said. */
  kept: Array<{ before: FieldDefinition; after: FieldDefinition }>;
}

/** Compares two field lists by name; order of the next list is kept. */
export function diffFields(current: readonly FieldDefinition[], next: readonly FieldDefinition[]): FieldDiff {
  const before = new Map(current.map((f) => [f.name, f]));
  const after = new Set(next.map((f) => f.name));
  const kept: FieldDiff['kept'] = [];
  const added: FieldDefinition[] = [];
  for (const field of next) {
    const old = before.get(field.name);
    if (old) kept.push({ before: old, after: field });
    else added.push(field);
  }
  return { added, dropped: current.filter((f) => !after.has(f.name)), kept };
}

/**
 * A field's column type and its encryption are fixed: values stored under one cannot be read
 * under the other. Returns a problem for each kept field that changes either, at `path`.
 */
export function immutableChanges(diff: FieldDiff, pathOf: (field: string) => string): FieldError[] {
  return diff.kept
    .filter(({ before, after }) => before.type !== after.type || Boolean(before.encrypted) !== Boolean(after.encrypted))
    .map(({ after }) => ({
      field: pathOf(after.name),
      code: 'immutable',
      message: 'type and encryption cannot change; drop the field and add a new one',
    }));
}

/** The options of a kept field that differ (`required`, `max`, …), in FieldSchema's key order. */
export function changedOptions(before: FieldDefinition, after: FieldDefinition): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter(
    (key) =>
      JSON.stringify(before[key as keyof FieldDefinition]) !== JSON.stringify(after[key as keyof FieldDefinition]),
  );
}

export interface CollectionChange {
  name: string;
  fieldsAdded: string[];
  fieldsDropped: string[];
  /** Kept fields whose options differ, each with the options named. */
  fieldsChanged: Array<{ name: string; options: string[] }>;
  /** Fields that moved within the list (the order an export shows them in). */
  fieldsReordered: boolean;
  rulesChanged: RuleAction[];
}

/** What applying a schema does: the diff `apply` prints and the HTTP route returns. */
export interface SchemaPlan {
  added: string[];
  removed: string[];
  changed: CollectionChange[];
}

export const isEmptyPlan = (plan: SchemaPlan) =>
  plan.added.length === 0 && plan.removed.length === 0 && plan.changed.length === 0;

/** The diff from the current definitions to the desired ones, and the changes no apply may make. */
export function planSchema(
  current: readonly CollectionDefinition[],
  desired: readonly CollectionDefinition[],
): { plan: SchemaPlan; problems: FieldError[] } {
  const currentByName = new Map(current.map((c) => [c.name, c]));
  const desiredNames = new Set(desired.map((c) => c.name));
  const plan: SchemaPlan = {
    added: desired.filter((c) => !currentByName.has(c.name)).map((c) => c.name),
    removed: current.filter((c) => !desiredNames.has(c.name)).map((c) => c.name),
    changed: [],
  };
  const problems: FieldError[] = [];
  desired.forEach((next, index) => {
    const old = currentByName.get(next.name);
    if (!old) return;
    const diff = diffFields(old.fields, next.fields);
    problems.push(...immutableChanges(diff, (field) => fieldPath(index, next, field)));
    const change = describeChange(old, next, diff);
    if (change) plan.changed.push(change);
  });
  return { plan, problems };
}

function fieldPath(index: number, definition: CollectionDefinition, field: string): string {
  return `collections.${index}.fields.${definition.fields.findIndex((f) => f.name === field)}.type`;
}

function describeChange(
  old: CollectionDefinition,
  next: CollectionDefinition,
  diff: FieldDiff,
): CollectionChange | null {
  const fieldsChanged = diff.kept
    .map(({ before, after }) => ({ name: after.name, options: changedOptions(before, after) }))
    .filter((field) => field.options.length > 0);
  const keptOrder = (fields: readonly FieldDefinition[]) =>
    fields.filter((f) => diff.kept.some((k) => k.after.name === f.name)).map((f) => f.name);
  const fieldsReordered = keptOrder(old.fields).join() !== keptOrder(next.fields).join();
  const rulesChanged = RULE_ACTIONS.filter((action) => old.rules[action] !== next.rules[action]);
  const change: CollectionChange = {
    name: next.name,
    fieldsAdded: diff.added.map((f) => f.name),
    fieldsDropped: diff.dropped.map((f) => f.name),
    fieldsChanged,
    fieldsReordered,
    rulesChanged,
  };
  const isChanged =
    change.fieldsAdded.length + change.fieldsDropped.length + fieldsChanged.length + rulesChanged.length > 0 ||
    fieldsReordered;
  return isChanged ? change : null;
}
