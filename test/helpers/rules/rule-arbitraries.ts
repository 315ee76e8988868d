import fc from 'fast-check';
import type { CollectionDefinition } from '../../../src/features/collections/collection-definition.js';
import type { CompareOperator, Literal, Operand, RuleNode, ValueType } from '../../../src/features/rules/index.js';
import { COMPARE_OPERATORS } from '../../../src/features/rules/index.js';

/**
 * fast-check generators for the property tests: small schemas, records, requests and rule trees
 * over them. Text is drawn from a tiny ASCII alphabet rich in LIKE metacharacters and quotes, so
 * `=`, `<` and `~` often hit and escaping matters.
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

/** A collection whose fields are `schema`'s columns (text, number or bool), rules locked. */
export function wideDefinition(name: string, schema: Schema = WIDE_COLUMNS): CollectionDefinition {
  return {
    name,
    fields: Object.entries(schema).map(([field, type]) => ({ name: field, type: type as 'text' | 'number' | 'bool' })),
    rules: { list: null, view: null, create: null, update: null, delete: null },
  };
}

/** Who asks and what the request body holds: the values behind `@request.auth.id` and `@request.body.*`. */
export interface RequestValues {
  callerId: string;
  /** Decoded body values (bools as 0/1); fields it lacks read as zero values. */
  body: Readonly<Record<string, string | number>>;
}

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

/** A caller id and a body that carries each wide column or not, half the time each. */
export function requestArbitrary(): fc.Arbitrary<RequestValues> {
  const present = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 2 });
  return fc
    .record({
      callerId: textArbitrary(),
      body: fc.record({
        s0: present(textArbitrary()),
        s1: present(textArbitrary()),
        n0: present(numberArbitrary()),
        b0: present(fc.constantFrom(0, 1)),
      }),
    })
    .map(({ callerId, body }) => ({
      callerId,
      body: Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Record<
        string,
        string | number
      >,
    }));
}

type Family = 'text' | 'number' | 'bool';

function literalOf(family: Family): fc.Arbitrary<Operand> {
  const value: fc.Arbitrary<Literal> =
    family === 'text' ? textArbitrary() : family === 'number' ? numberArbitrary() : fc.boolean();
  return fc
    .oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    .map((v) => ({ kind: 'literal', value: v }));
}

/** What trees may name besides the schema's fields. */
interface TreeOptions {
  withErrors?: boolean;
  maxDepth?: number;
  /** Also `@request.auth.role`, `.email` (text) and `.verified` (bool), not only `.id`. */
  withCallerFields?: boolean;
}

function operandOf(
  family: Family,
  schema: Schema,
  isFieldAllowed: boolean,
  options: TreeOptions = {},
): fc.Arbitrary<Operand> {
  const fields = Object.entries(schema).filter(
    ([, type]) => (type === 'bool' ? 'bool' : type === 'number' ? 'number' : 'text') === family,
  );
  // `@request.body.<field>` of this family, `@request.auth.id` for text, `:isset` of any field for bools.
  const requestPaths = fields.map(([name]) => ['body', name]);
  if (family === 'text') requestPaths.push(['auth', 'id']);
  if (family === 'bool') requestPaths.push(...Object.keys(schema).map((name) => ['body', name, ':isset']));
  if (options.withCallerFields && family === 'text') requestPaths.push(['auth', 'role'], ['auth', 'email']);
  if (options.withCallerFields && family === 'bool') requestPaths.push(['auth', 'verified']);
  const choices: Array<{ weight: number; arbitrary: fc.Arbitrary<Operand> }> = [
    { weight: 4, arbitrary: literalOf(family) },
  ];
  if (requestPaths.length > 0) {
    choices.push({
      weight: 2,
      arbitrary: fc.constantFrom(...requestPaths).map((path): Operand => ({ kind: 'request', path })),
    });
  }
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
function compareArbitrary(schema: Schema, options: TreeOptions): fc.Arbitrary<RuleNode> {
  const withErrors = options.withErrors ?? false;
  const wellTyped = fc
    .constantFrom<Family>('text', 'number', 'bool')
    .chain((family) =>
      fc
        .constantFrom(...OPERATORS[family])
        .chain((op) =>
          fc
            .tuple(
              operandOf(family, schema, true, options),
              operandOf(family, schema, op !== '~' && op !== '!~', options),
            )
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
          operandOf(leftFamily, schema, true, options),
          fc.oneof(
            operandOf(rightFamily, schema, true, options),
            fc.constant<Operand>({ kind: 'field', path: ['missing'] }),
            fc.constant<Operand>({ kind: 'request', path: ['body', 'missing'] }),
          ),
        )
        .map(([left, right]): RuleNode => ({ kind: 'compare', op, left, right })),
    );
  // Rare per comparison: one bad comparison already refuses a whole tree.
  return fc.oneof({ weight: 30, arbitrary: wellTyped }, { weight: 1, arbitrary: illTyped });
}

/** Rule trees of up to `maxDepth` levels of && / || over comparisons of `schema`. */
export function ruleTreeArbitrary(schema: Schema = WIDE_COLUMNS, options: TreeOptions = {}): fc.Arbitrary<RuleNode> {
  const leaf = compareArbitrary(schema, options);
  const { tree } = fc.letrec<{ tree: RuleNode }>((tie) => ({
    tree: fc.oneof(
      { maxDepth: options.maxDepth ?? 3, depthIdentifier: 'rule' },
      leaf,
      fc.record({ kind: fc.constantFrom<'and' | 'or'>('and', 'or'), left: tie('tree'), right: tie('tree') }),
    ),
  }));
  return tree;
}
