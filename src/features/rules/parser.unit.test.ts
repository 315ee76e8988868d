import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printRule } from '../../../test/helpers/rules/print-rule.js';
import { ruleTreeArbitrary } from '../../../test/helpers/rules/rule-arbitraries.js';
import { isAppError } from '../../errors/index.js';
import type { RuleNode } from './ast.js';
import { MAX_DEPTH, MAX_EXPRESSION_LENGTH, MAX_STRING_LITERAL_LENGTH, MAX_TERMS, parseRule } from './index.js';

/** The tree without positions, printed compactly: `(a = 1 && (b = 2 || c = 3))`. */
function shape(node: RuleNode | null): string {
  if (node === null) return '∅';
  if (node.kind !== 'compare') return `(${shape(node.left)} ${node.kind === 'and' ? '&&' : '||'} ${shape(node.right)})`;
  const operand = (o: (typeof node)['left']) =>
    o.kind === 'field'
      ? o.path.join('.')
      : o.kind === 'request'
        ? `@request.${o.path.join('.')}`
        : o.kind === 'now'
          ? '@now'
          : JSON.stringify(o.value);
  return `${operand(node.left)} ${node.op} ${operand(node.right)}`;
}

function errorOf(text: string): { code: string; status: number; detail: string | undefined } {
  try {
    parseRule(text);
  } catch (error) {
    if (isAppError(error)) return { code: error.code, status: error.status, detail: error.detail };
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('rule precedence and grouping', () => {
  it.each([
    ['a = 1 || b = 2 && c = 3', '(a = 1 || (b = 2 && c = 3))'],
    ['a = 1 && b = 2 || c = 3', '((a = 1 && b = 2) || c = 3)'],
    ['(a = 1 || b = 2) && c = 3', '((a = 1 || b = 2) && c = 3)'],
    ['a = 1 || b = 2 || c = 3', '((a = 1 || b = 2) || c = 3)'],
    ['a = 1 && b = 2 && c = 3', '((a = 1 && b = 2) && c = 3)'],
    ['((a = 1))', 'a = 1'],
    [
      '@request.auth.id != "" && (owner = @request.auth.id || @request.auth.role = "admin")',
      '(@request.auth.id != "" && (owner = @request.auth.id || @request.auth.role = "admin"))',
    ],
    [
      'created < @now && flag = true && x = null && y = false',
      '(((created < @now && flag = true) && x = null) && y = false)',
    ],
    ["author.team.name ~ 'x'", 'author.team.name ~ "x"'],
  ])('%s groups as %s', (text, expected) => {
    expect(shape(parseRule(text))).toBe(expected);
  });

  it('treats empty and all-whitespace text as "no condition"', () => {
    expect(parseRule('')).toBeNull();
    expect(parseRule('  \n\t ')).toBeNull();
    expect(printRule(null)).toBe('');
  });

  it('records the position of every operand and operator', () => {
    expect(parseRule('a = "x" || bb != 2')).toEqual({
      kind: 'or',
      left: {
        kind: 'compare',
        op: '=',
        position: 2,
        left: { kind: 'field', path: ['a'], position: 0 },
        right: { kind: 'literal', value: 'x', position: 4 },
      },
      right: {
        kind: 'compare',
        op: '!=',
        position: 14,
        left: { kind: 'field', path: ['bb'], position: 11 },
        right: { kind: 'literal', value: 2, position: 17 },
      },
    });
  });
});

describe('rule syntax errors are 400s naming the position', () => {
  it.each([
    ['a = 1 &&', 'RULE_SYNTAX', 'expected a field or a value but found the end of the expression at character 9'],
    ['a 1', 'RULE_SYNTAX', 'expected an operator (= != > >= < <= ~ !~) but found a number at character 3'],
    ['a = 1 b = 2', 'RULE_SYNTAX', 'expected && or || but found "b" at character 7'],
    ['(a = 1', 'RULE_SYNTAX', 'expected ")" but found the end of the expression at character 7'],
    ['a = 1)', 'RULE_SYNTAX', 'unbalanced ")" at character 6'],
    ['a = = 1', 'RULE_SYNTAX', 'expected a field or a value but found "=" at character 5'],
    ['a == 1', 'RULE_SYNTAX', 'expected a field or a value but found "=" at character 4'],
    ['() ', 'RULE_SYNTAX', 'expected a field or a value but found ")" at character 2'],
    ['@collection.x = 1', 'RULE_SYNTAX', 'unknown name "@collection.x" (use @request.… or @now) at character 1'],
    ['@request = 1', 'RULE_SYNTAX', 'unknown name "@request" (use @request.… or @now) at character 1'],
    ['@now.x = 1', 'RULE_SYNTAX', 'unknown name "@now.x" (use @request.… or @now) at character 1'],
    ['a = 1 && || b = 2', 'RULE_SYNTAX', 'expected a field or a value but found "||" at character 10'],
  ])('%j → %s', (text, code, detail) => {
    expect(errorOf(text)).toEqual({ code, status: 400, detail });
  });
});

describe('rule limits', () => {
  it(`refuses text longer than ${MAX_EXPRESSION_LENGTH} characters, naming where the limit is`, () => {
    const text = `a = "${'x'.repeat(500)}" || `.repeat(4).padEnd(MAX_EXPRESSION_LENGTH + 1, ' ');
    expect(errorOf(text)).toEqual({
      code: 'RULE_TOO_LONG',
      status: 400,
      detail: `expression longer than 2048 characters at character 2049`,
    });
    expect(errorOf('x'.repeat(100_000)).code).toBe('RULE_TOO_LONG');
  });

  it(`accepts ${MAX_DEPTH} levels of parentheses and refuses the next at its "("`, () => {
    expect(parseRule(`${'('.repeat(MAX_DEPTH)}a = 1${')'.repeat(MAX_DEPTH)}`)).not.toBeNull();
    const text = `a = 1 && ${'('.repeat(MAX_DEPTH + 1)}a = 1${')'.repeat(MAX_DEPTH + 1)}`;
    expect(errorOf(text)).toEqual({
      code: 'RULE_TOO_DEEP',
      status: 400,
      detail: 'more than 16 levels of parentheses at character 26',
    });
    expect(errorOf('('.repeat(1000)).code).toBe('RULE_TOO_DEEP');
  });

  it(`accepts ${MAX_TERMS} comparisons and refuses the next at its start`, () => {
    const terms = Array.from({ length: MAX_TERMS }, () => 'a = 1');
    expect(parseRule(terms.join(' && '))).not.toBeNull();
    const text = [...terms, 'b = 2'].join(' || ');
    expect(errorOf(text)).toEqual({
      code: 'RULE_TOO_MANY_TERMS',
      status: 400,
      detail: `more than 32 comparisons at character ${MAX_TERMS * 9 + 1}`,
    });
  });

  it(`accepts string literals of ${MAX_STRING_LITERAL_LENGTH} characters and refuses longer ones at their quote`, () => {
    expect(parseRule(`a = "${'é'.repeat(MAX_STRING_LITERAL_LENGTH)}"`)).not.toBeNull();
    expect(errorOf(`a = 1 || a = '${'x'.repeat(MAX_STRING_LITERAL_LENGTH + 1)}'`)).toEqual({
      code: 'RULE_TOO_LONG',
      status: 400,
      detail: 'string longer than 512 characters at character 14',
    });
  });
});

describe('printRule (test support) and the parser round-trip', () => {
  it('prints with the fewest parentheses that keep the tree', () => {
    for (const text of [
      'a = 1 || b = 2 && c = 3',
      '(a = 1 || b = 2) && c = 3',
      'a = 1 || (b = 2 || c = 3)',
      'a = 1 && (b = 2 && c = 3)',
    ]) {
      expect(printRule(parseRule(text))).toBe(text);
    }
    expect(printRule(parseRule(`a = 'q"\\\\' && b = 0.000001 && c = -3`))).toBe(
      String.raw`a = "q\"\\" && b = 0.000001 && c = -3`,
    );
  });

  it('parse(print(tree)) is the tree, for random trees', () => {
    fc.assert(
      fc.property(ruleTreeArbitrary(), (tree) => {
        expect(shape(parseRule(printRule(tree)))).toBe(shape(tree));
      }),
      { numRuns: 300 },
    );
  });
});
