/**
 * The rule and filter language: one expression language for collection rules, `filter=` and
 * `sort=`. Text is parsed by a hand-written lexer and parser into a tree, compiled to a Kysely
 * expression whose values are all bound parameters: a rule is only ever decided by the database,
 * for lists and single records alike. Collections supply the schema through the two-method
 * FieldResolver.
 */
export type {
  CompareNode,
  CompareOperator,
  Operand,
  RuleNode,
} from './ast.js';
export { COMPARE_OPERATORS } from './ast.js';
export { compileRule } from './compile.js';
export { compileSort } from './compile-sort.js';
export type { RuleErrorCode } from './errors.js';
export {
  MAX_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_PATTERN_LENGTH,
  MAX_PATTERN_TERMS,
  MAX_RELATION_PATHS,
  MAX_SORT_KEYS,
  MAX_STRING_LITERAL_LENGTH,
  MAX_TERMS,
} from './limits.js';
export { parseRule } from './parser.js';
export { type RequestValues, readRequestValues } from './request-values.js';
export type { FieldResolver, Literal, RuleOptions, ValueType } from './resolver.js';
