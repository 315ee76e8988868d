import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/index.js';
import type { RuleNode } from './ast.js';
import { compileRule, evaluateRule, MAX_PATTERN_LENGTH, MAX_TERMS } from './index.js';
import { POSTS, postsResolverOptions, readPostField } from './testing/posts-fixture.js';
import { createTestResolver } from './testing/rule-test-db.js';

const resolver = createTestResolver({
  ...postsResolverOptions('user'),
  request: {
    ...postsResolverOptions('user').request,
    'body.long': { value: 'x'.repeat(MAX_PATTERN_LENGTH + 1), type: 'text' },
    'body.bad': { value: 'not a number', type: 'number' },
    'body.nul': { value: 'a\u0000b', type: 'text' },
    'body.surrogate': { value: '\ud800', type: 'text' },
    'body.flag01': { value: 1, type: 'bool' },
  },
});

function failureOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (!isAppError(error)) throw error;
    expect(error.status).toBe(400);
    return `${error.code}: ${error.detail}`;
  }
}

const post = POSTS[0] as (typeof POSTS)[number];
const compileFailure = (rule: string | RuleNode) => failureOf(() => compileRule(rule, resolver, 'sqlite'));
const evaluateFailure = (rule: string | RuleNode) =>
  failureOf(() => evaluateRule(rule, resolver, (path) => readPostField(post, path)));

describe('rules the compiler and the evaluator both refuse, with the same 400', () => {
  it.each([
    ['nope = 1', 'RULE_UNKNOWN_FIELD: unknown field "nope" at character 1'],
    ['author.nope = "a"', 'RULE_UNKNOWN_FIELD: unknown field "author.nope" at character 1'],
    ['title = 1', 'RULE_TYPE_MISMATCH: cannot compare text with number at character 9'],
    ['created = 5', 'RULE_TYPE_MISMATCH: cannot compare text with number at character 11'],
    ['@now = 1', 'RULE_TYPE_MISMATCH: cannot compare text with number at character 8'],
    ['published = "true"', 'RULE_TYPE_MISMATCH: cannot compare bool with text at character 13'],
    ['views = @request.auth.id', 'RULE_TYPE_MISMATCH: cannot compare number with text at character 9'],
    ['views ~ 1', 'RULE_TYPE_MISMATCH: operator ~ does not apply to number at character 7'],
    ['published > false', 'RULE_TYPE_MISMATCH: operator > does not apply to bool at character 11'],
    ['"x" !~ title', 'RULE_TYPE_MISMATCH: the right side of !~ must be a value, not a field at character 8'],
    ['secret = "x"', 'RULE_FIELD_NOT_FILTERABLE: field "secret" cannot be filtered on at character 1'],
    [
      'title = "x" || author.name = secret',
      'RULE_FIELD_NOT_FILTERABLE: field "secret" cannot be filtered on at character 30',
    ],
    ['title = @request.auth.nope', 'RULE_UNKNOWN_REQUEST_FIELD: unknown "@request.auth.nope" at character 9'],
    [
      'author.team.name.x = "a"',
      'RULE_TOO_DEEP: field path "author.team.name.x" has more than 2 relation hops at character 1',
    ],
    [
      'title ~ @request.body.long',
      `RULE_TOO_LONG: ~ operand longer than ${MAX_PATTERN_LENGTH} characters at character 9`,
    ],
    ['views = @request.body.bad', 'RULE_TYPE_MISMATCH: @request.body.bad is not a valid number value at character 9'],
    ['title = @request.body.nul', 'RULE_TYPE_MISMATCH: @request.body.nul is not a valid text value at character 9'],
    [
      'title = @request.body.surrogate',
      'RULE_TYPE_MISMATCH: @request.body.surrogate is not a valid text value at character 9',
    ],
    [
      'pinned = @request.body.flag01',
      'RULE_TYPE_MISMATCH: @request.body.flag01 is not a valid bool value at character 10',
    ],
    // A decided comparison does not hide a bad one beside it.
    ['"a" = "b" && nope = 1', 'RULE_UNKNOWN_FIELD: unknown field "nope" at character 14'],
    ['1 = 1 || title = 2', 'RULE_TYPE_MISMATCH: cannot compare text with number at character 18'],
  ])('%s', (rule, expected) => {
    expect(compileFailure(rule)).toBe(expected);
    expect(evaluateFailure(rule)).toBe(expected);
  });

  it('refuses hand-built trees beyond the limits without deep recursion', () => {
    const leaf: RuleNode = {
      kind: 'compare',
      op: '=',
      left: { kind: 'field', path: ['title'] },
      right: { kind: 'literal', value: 'x' },
    };
    let chain: RuleNode = leaf;
    for (let i = 0; i < 100_000; i++) chain = { kind: 'and', left: chain, right: leaf };
    expect(compileFailure(chain)).toBe(`RULE_TOO_MANY_TERMS: more than ${MAX_TERMS} comparisons`);
    expect(evaluateFailure(chain)).toBe(`RULE_TOO_MANY_TERMS: more than ${MAX_TERMS} comparisons`);
    const nan: RuleNode = {
      ...leaf,
      left: { kind: 'field', path: ['views'] },
      right: { kind: 'literal', value: Number.NaN },
    };
    expect(compileFailure(nan)).toBe('RULE_TYPE_MISMATCH: the literal is not a valid number value');
    const empty: RuleNode = { ...leaf, left: { kind: 'field', path: [] } };
    expect(compileFailure(empty)).toBe('RULE_UNKNOWN_FIELD: empty field path');
  });

  it('passes through a resolver error that is not a rule error (a bug, not bad input)', () => {
    const broken = {
      ...resolver,
      resolveField: () => {
        throw new TypeError('boom');
      },
    };
    expect(() => compileRule('title = "x"', broken, 'sqlite')).toThrow(TypeError);
  });
});

describe('in-memory evaluation semantics', () => {
  const evaluate = (rule: string, record: Record<string, string | number | boolean | null>) =>
    evaluateRule(rule, resolver, (path) => record[path.join('.')] ?? null, {
      now: new Date('2026-01-01T00:00:00.000Z'),
    });

  it('reads null fields and empty relations as zero values', () => {
    expect(evaluate('title = "" && views = 0 && published = false && data = null', {})).toBe(true);
    expect(evaluate('author.name = null', { 'author.name': null })).toBe(true);
    expect(evaluate('author.name != ""', { 'author.name': null })).toBe(false);
  });

  it('accepts bools stored as 0/1 or as booleans', () => {
    expect(evaluate('published = true', { published: 1 })).toBe(true);
    expect(evaluate('published = true', { published: true })).toBe(true);
    expect(evaluate('published != true', { published: 0 })).toBe(true);
  });

  it('matches ~ as case-insensitive "contains" for ASCII, with %, _ and \\ literal', () => {
    expect(evaluate('title ~ "LLO w"', { title: 'Hello World' })).toBe(true);
    expect(evaluate('title ~ "h%d"', { title: 'Hello World' })).toBe(false);
    expect(evaluate('title ~ "50%"', { title: 'save 50% now' })).toBe(true);
    expect(evaluate('title ~ "a_c"', { title: 'abc' })).toBe(false);
    expect(evaluate('title ~ "a_c"', { title: 'xa_cx' })).toBe(true);
    expect(evaluate('title ~ "\\\\"', { title: 'a\\b' })).toBe(true);
    expect(evaluate('title ~ ""', { title: '' })).toBe(true);
    expect(evaluate('title !~ "É"', { title: 'é' })).toBe(true);
  });

  it('orders text bytewise (uppercase before lowercase, code points beyond ASCII last)', () => {
    expect(evaluate('title < "a"', { title: 'Z' })).toBe(true);
    expect(evaluate('title > "z"', { title: 'é' })).toBe(true);
    expect(evaluate('title < "😀"', { title: '\uffff' })).toBe(true);
  });

  it('compares dates as ISO text against @now', () => {
    expect(evaluate('created < @now', { created: '2025-12-31T23:59:59.999Z' })).toBe(true);
    expect(evaluate('created >= @now', { created: '2026-01-01T00:00:00.000Z' })).toBe(true);
  });

  it('treats an empty rule as "no condition"', () => {
    expect(evaluateRule('', resolver, () => null)).toBe(true);
    expect(evaluateRule(null, resolver, () => null)).toBe(true);
  });

  it('refuses stored values of the wrong type as a programming error, not a 400', () => {
    expect(() => evaluate('views = 1', { views: 'one' })).toThrow(TypeError);
  });
});
