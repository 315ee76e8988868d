import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printRule } from '../../../test/helpers/rules/print-rule.js';
import {
  ruleTreeArbitrary,
  type Schema,
  schemaArbitrary,
  wideDefinition,
} from '../../../test/helpers/rules/rule-arbitraries.js';
import { isAppError } from '../../errors/index.js';
import { compileRule } from '../rules/index.js';
import type { CollectionDefinition } from './collection-definition.js';
import { createRecordResolver, GUEST } from './record-resolver.js';
import { checkCollectionRule, type RuleProblem } from './rule-check.js';

/**
 * Saving a rule (and the dashboard's rule editor) runs checkCollectionRule, which writes no SQL;
 * requests run compileRule. A rule the first accepts and the second refuses would be a 400 for
 * every client later, so the two must agree on every rule: both accept it, or both refuse it with
 * the same code and message.
 */
function compiled(
  rule: string,
  definition: CollectionDefinition,
  all: readonly CollectionDefinition[],
): RuleProblem | null {
  const byName = new Map(all.map((c) => [c.name, c]));
  try {
    const resolver = createRecordResolver({
      definition,
      mode: 'rule',
      caller: GUEST,
      relatedDefinition: (n) => byName.get(n),
    });
    compileRule(rule, resolver, 'sqlite');
    return null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const message = error.detail ?? error.code;
    return { code: error.code, message, position: checkCollectionRule(rule, definition, all)?.position };
  }
}

const AUTHORS: CollectionDefinition = {
  name: 'authors',
  fields: [
    { name: 'name', type: 'text' },
    { name: 'pen', type: 'text', encrypted: true },
    { name: 'notes', type: 'text', hidden: true },
  ],
  rules: { list: null, view: '', create: null, update: null, delete: null },
};
const POSTS: CollectionDefinition = {
  name: 'posts',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'views', type: 'number' },
    { name: 'draft', type: 'bool' },
    { name: 'owner', type: 'relation', collection: 'users' },
    { name: 'author', type: 'relation', collection: 'authors' },
    { name: 'secret', type: 'text', encrypted: true },
    { name: 'memo', type: 'text', hidden: true },
  ],
  rules: { list: null, view: null, create: null, update: null, delete: null },
};

describe('checkCollectionRule agrees with compileRule', () => {
  it('on random schemas and rules, including ill-typed ones', () => {
    const scenario = schemaArbitrary().chain((schema: Schema) =>
      fc.record({ schema: fc.constant(schema), rule: ruleTreeArbitrary(schema, { withErrors: true }) }),
    );
    let refused = 0;
    fc.assert(
      fc.property(scenario, ({ schema, rule }) => {
        const definition = wideDefinition('prop_rows', schema);
        const text = printRule(rule);
        const problem = checkCollectionRule(text, definition, []);
        expect(problem, text).toEqual(compiled(text, definition, []));
        if (problem) refused++;
      }),
      { numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(10);
  });

  it.each([
    'owner.role = "admin" && author.name = "x"',
    'owner.email = "x"',
    'author.pen = "x"',
    'author.notes = "x"',
    'secret = "x"',
    'memo = "x" || @request.body.memo:isset = true',
    '@request.body.secret = "x"',
    '@request.body.views > 3 && draft = false',
    'views ~ 1',
    'title ~ "a" && title ~ "b" && title ~ "c"',
    '@now > created && updated < "2030"',
    '((title = "a")',
    'title = "a" ||\n  nope = 1',
  ])('%s', (rule) => {
    expect(checkCollectionRule(rule, POSTS, [AUTHORS])).toEqual(compiled(rule, POSTS, [AUTHORS]));
  });
});
