/**
 * The part of the rule language the dashboard bundles from this same source (its Vite alias
 * `@bulwark/rule-check` reaches it through collections/browser.ts): parsing and checking rule
 * text, and reading the position back out of a message. Everything reachable from here runs in a
 * browser: no node:* module and no package at run time (test/browser-entries.unit.test.ts).
 */
export { checkRule, type RuleTypes } from './check-rule.js';
export { positionOf } from './errors.js';
export type { Literal, ValueType } from './resolver.js';
export { zeroValue } from './semantics.js';
