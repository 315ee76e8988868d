/**
 * The syntax tree of a rule. The parser builds it from text; tests and callers may also build
 * it by hand. `position` is the 0-based offset in the source text (absent on hand-built nodes)
 * and only feeds error messages.
 */

export type CompareOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~';

export const COMPARE_OPERATORS: readonly CompareOperator[] = ['=', '!=', '>', '>=', '<', '<=', '~', '!~'];

/** A field of the queried record, e.g. `owner` or the relation path `author.name`. */
export interface FieldOperand {
  kind: 'field';
  path: string[];
  position?: number;
}

/** A value of the current request: `@request.auth.id` has the path `['auth', 'id']`. */
export interface RequestOperand {
  kind: 'request';
  path: string[];
  position?: number;
}

/** `@now`: the current time as an ISO-8601 UTC string. */
export interface NowOperand {
  kind: 'now';
  position?: number;
}

export interface LiteralOperand {
  kind: 'literal';
  value: string | number | boolean | null;
  position?: number;
}

export type Operand = FieldOperand | RequestOperand | NowOperand | LiteralOperand;

export interface CompareNode {
  kind: 'compare';
  op: CompareOperator;
  left: Operand;
  right: Operand;
  /** Offset of the operator. */
  position?: number;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  left: RuleNode;
  right: RuleNode;
}

export type RuleNode = LogicalNode | CompareNode;
