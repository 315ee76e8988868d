import { type AppError, appError, type HttpErrorCode, isAppError } from '../../errors/index.js';
import { MAX_RELATION_DEPTH } from './limits.js';

/**
 * Codes the rule language throws; all are 400s registered in src/errors/codes.ts. Every input,
 * however hostile, ends in a value or in one of these — never in a 500 (ASVS V7: errors must not
 * leak internals, and a parser crash is an availability bug).
 */
export type RuleErrorCode = Extract<HttpErrorCode, `RULE_${string}`>;

/** `at character N`, 1-based, the way an editor counts columns. */
export function describePosition(position: number): string {
  return `at character ${position + 1}`;
}

/**
 * The 0-based position a message written by describePosition names, or undefined: the dashboard
 * reads it from the server's answer and from its own check alike to put a caret under it.
 */
export function positionOf(message: string): number | undefined {
  const found = / at character (\d+)$/.exec(message);
  return found ? Number(found[1]) - 1 : undefined;
}

/**
 * Builds a rule error whose detail names the position when it is known (`… at character 17`).
 * @example throw ruleError('RULE_SYNTAX', 'expected ")"', 16)
 */
export function ruleError(code: RuleErrorCode, message: string, position?: number): AppError {
  const detail = position === undefined ? message : `${message} ${describePosition(position)}`;
  return appError(code, { detail });
}

/** RULE_TOO_DEEP for a field path with more relation hops than MAX_RELATION_DEPTH. */
export function tooManyHops(name: string, position?: number): AppError {
  const hops = MAX_RELATION_DEPTH === 1 ? '1 relation hop' : `${MAX_RELATION_DEPTH} relation hops`;
  return ruleError('RULE_TOO_DEEP', `field path ${name} has more than ${hops}`, position);
}

/**
 * Runs a resolver callback and adds the position to a `RULE_*` error it throws without one, so
 * `RULE_FIELD_NOT_FILTERABLE` from collections still tells the user where the field is.
 */
export function withPosition<T>(position: number | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (position === undefined || !isRuleError(error) || error.detail?.includes(' at character ')) throw error;
    throw ruleError(error.code, error.detail ?? error.code, position);
  }
}

export function isRuleError(value: unknown): value is AppError & { code: RuleErrorCode } {
  return isAppError(value) && value.code.startsWith('RULE_');
}
