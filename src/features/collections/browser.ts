/**
 * What the dashboard bundles of collections from this same source (its Vite alias
 * `@bulwark/rule-check`): the field types, and the check a rule passes when saved, so the rule editor shows the
 * server's own message and position as the operator types. Everything reachable from here runs in
 * a browser: no node:* module and no package at run time (test/browser-entries.unit.test.ts).
 */

export type { CollectionDefinition, FieldDefinition } from './collection-definition.js';
export { FIELD_TYPES, type FieldType } from './field-types.js';
export { checkCollectionRule, type RuleProblem } from './rule-check.js';
