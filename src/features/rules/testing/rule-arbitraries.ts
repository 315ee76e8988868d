import fc from 'fast-check';
import type { CompareOperator, Operand, RuleNode } from '../ast.js';
import { COMPARE_OPERATORS } from '../ast.js';
import type { Literal, ValueType } from '../resolver.js';

/**
 * fast-check generators for the property tests (test support, not exported from the feature):
 * small schemas, records and rule trees over them. Text is drawn from a tiny ASCII alphabet
 * rich in LIKE metacharacters and quotes, so `=`, `<` and `~` often hit and escaping matters.
 */

export const TEXT_ALPHABET = ['a', 'b', 'A', 'B', 'z', '0', ' ', '-', '%', '_', '\\', '"', "'"] as const;

export type Schema = Readonly<Record<string, ValueType>>;

/** The columns the property tests' table has; a random schema exposes some of them. */
export const WIDE_COLUMNS: Schema = {
  s0: 'text',
  s1: 'text',
  s2: 'text',
  n0: 'number',
  n1: 'number',
  b0: 'bool',
  b1: 'bool',
};

/** Request values a generated rule may name, keyed by path (`auth.id` is `@request.auth.id`). */
export type RequestValues = Readonly<Record<string, { value: Literal; type: ValueType }>>;

export function textArbitrary(maxLength = 4): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...TEXT_ALPHABET), maxLength });
}

export function numberArbitrary(): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-1.5, -0.5, 0.5, 0.1, 2.25, 1e6));
}

/** A non-empty random subset of the wide columns. */
export function schemaArbitrary(): fc.Arbitrary<Schema> {
  return fc
    .subarray(Object.keys(WIDE_COLUMNS), { minLength: 1 })
    .map((names) => Object.fromEntries(names.map((name) => [name, WIDE_COLUMNS[name] as ValueType])));
}

/** Rows over all wide columns (bools as 0/1), with ids r0, r1, … */
export function rowsArbitrary(): fc.Arbitrary<Array<Record<string, string | number>>> {
  const row = fc.record({
    s0: textArbitrary(),
    s1: textArbitrary(),
    s2: textArbitrary(),
    n0: numberArbitrary(),
    n1: numberArbitrary(),
    b0: fc.constantFrom(0, 1),
    b1: fc.constantFrom(0, 1),
  });
  return fc.array(row, { minLength: 3, maxLength: 8 }).map((rows) => rows.map((r, i) => ({ id: `r${i}`, ...r })));
}

export function requestArbitrary(): fc.Arbitrary<RequestValues> {
  return fc.record({
    'auth.id': fc.record({ value: fc.oneof(textArbitrary(), fc.constant(null)), type: fc.constant<ValueType>('text') }),
    'body.n': fc.record({
      value: fc.oneof(numberArbitrary(), fc.constant(null)),
      type: fc.constant<ValueType>('number'),
    }),
    'body.flag': fc.record({ value: fc.oneof(fc.boolean(), fc.constant(null)), type: fc.constant<ValueType>('bool') }),
  });
}

const REQUEST_PATHS: Readonly<Record<'text' | 'number' | 'bool', string[]>> = {
  text: ['auth', 'id'],
  number: ['body', 'n'],
  bool: ['body', 'flag'],
};

type Family = 'text' | 'number' | 'bool';

function literalOf(family: Family): fc.Arbitrary<Operand> {
  const value: fc.Arbitrary<Literal> =
    family === 'text' ? textArbitrary() : family === 'number' ? numberArbitrary() : fc.boolean();
  return fc
    .oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    .map((v) => ({ kind: 'literal', value: v }));
}

function operandOf(family: Family, schema: Schema, isFieldAllowed: boolean): fc.Arbitrary<Operand> {
  const fields = Object.entries(schema).filter(
    ([, type]) => (type === 'bool' ? 'bool' : type === 'number' ? 'number' : 'text') === family,
  );
  const choices: Array<{ weight: number; arbitrary: fc.Arbitrary<Operand> }> = [
    { weight: 4, arbitrary: literalOf(family) },
    { weight: 1, arbitrary: fc.constant<Operand>({ kind: 'request', path: REQUEST_PATHS[family] }) },
  ];
  if (family === 'text') choices.push({ weight: 1, arbitrary: fc.constant<Operand>({ kind: 'now' }) });
  if (isFieldAllowed && fields.length > 0) {
    choices.push({
      weight: 8,
      arbitrary: fc.constantFrom(...fields.map(([name]) => ({ kind: 'field', path: [name] }) as Operand)),
    });
  }
  return fc.oneof(...choices);
}

const OPERATORS: Readonly<Record<Family, CompareOperator[]>> = {
  text: [...COMPARE_OPERATORS],
  number: ['=', '!=', '>', '>=', '<', '<='],
  bool: ['=', '!='],
};

/**
 * A comparison over `schema`: mostly well-typed; with `withErrors`, sometimes an operand of
 * another family, an operator the family refuses, or a column outside the schema, so both
 * sides of the property must also refuse the same rules.
 */
function compareArbitrary(schema: Schema, withErrors: boolean): fc.Arbitrary<RuleNode> {
  const wellTyped = fc
    .constantFrom<Family>('text', 'number', 'bool')
    .chain((family) =>
      fc
        .constantFrom(...OPERATORS[family])
        .chain((op) =>
          fc
            .tuple(operandOf(family, schema, true), operandOf(family, schema, op !== '~' && op !== '!~'))
            .map(([left, right]): RuleNode => ({ kind: 'compare', op, left, right })),
        ),
    );
  if (!withErrors) return wellTyped;
  const illTyped = fc
    .tuple(
      fc.constantFrom(...COMPARE_OPERATORS),
      fc.constantFrom<Family>('text', 'number', 'bool'),
      fc.constantFrom<Family>('text', 'number', 'bool'),
    )
    .chain(([op, leftFamily, rightFamily]) =>
      fc
        .tuple(
          operandOf(leftFamily, schema, true),
          fc.oneof(operandOf(rightFamily, schema, true), fc.constant<Operand>({ kind: 'field', path: ['missing'] })),
        )
        .map(([left, right]): RuleNode => ({ kind: 'compare', op, left, right })),
    );
  // Rare per comparison: one bad comparison already refuses a whole tree.
  return fc.oneof({ weight: 30, arbitrary: wellTyped }, { weight: 1, arbitrary: illTyped });
}

/** Rule trees of up to `maxDepth` levels of && / || over comparisons of `schema`. */
export function ruleTreeArbitrary(
  schema: Schema = WIDE_COLUMNS,
  options: { withErrors?: boolean; maxDepth?: number } = {},
): fc.Arbitrary<RuleNode> {
  const leaf = compareArbitrary(schema, options.withErrors ?? false);
  const { tree } = fc.letrec<{ tree: RuleNode }>((tie) => ({
    tree: fc.oneof(
      { maxDepth: options.maxDepth ?? 3, depthIdentifier: 'rule' },
      leaf,
      fc.record({ kind: fc.constantFrom<'and' | 'or'>('and', 'or'), left: tie('tree'), right: tie('tree') }),
    ),
  }));
  return tree;
}
