import { clientError } from './errors.js';

/**
 * Filters and sorts for the records API, built so that a value can never become syntax.
 *
 * The server's rule language (its lexer: src/features/rules/lexer.ts) has string literals in
 * double or single quotes with the escapes `\\ \" \' \n \r \t` and nothing else; NUL and lone
 * surrogates are refused. Values given to `filter` are written as literals of that syntax
 * (strings quoted and escaped, numbers in plain decimal, booleans, null); field names given
 * through `field()` are checked to be names. The template's own text is the developer's code.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A filter expression, safe to send: every value in it was bound as a literal. */
export class Filter {
  /** @internal use `filter`, `and` or `or` */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A field name to place in a filter: `field('author.name')`. Checked, never quoted. */
export class FieldName {
  readonly path: string;
  constructor(path: string) {
    this.path = checkedName(path);
  }
}

export type FilterValue = string | number | boolean | null | Date | Filter | FieldName;

export const field = (path: string) => new FieldName(path);

/**
 * Builds a filter from a template: the template's text is the expression, each `${value}` a
 * bound value. Do not put quotes around `${…}`: the value is quoted here (and quotes around it
 * are refused, since they would turn the value into syntax).
 * @example
 * filter`title ~ ${search} && owner = ${userId} && views >= ${10}`
 * // → title ~ "it's \"quoted\"" && owner = "u1" && views >= 10
 */
export function filter(strings: TemplateStringsArray, ...values: FilterValue[]): Filter {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    if (isInsideString(text)) {
      throw invalid(
        'A value stands inside quotes in the filter text; remove the quotes around it: values are quoted for you.',
      );
    }
    text += literal(value) + (strings[index + 1] ?? '');
  });
  if (isInsideString(text)) throw invalid('The filter text has an unterminated string.');
  return new Filter(text);
}

/** Both conditions; `undefined` and empty filters are left out (handy for optional criteria). */
export const and = (...filters: Array<Filter | undefined>) => join(filters, '&&');
/** Either condition; `undefined` and empty filters are left out. */
export const or = (...filters: Array<Filter | undefined>) => join(filters, '||');

function join(filters: Array<Filter | undefined>, operator: '&&' | '||'): Filter {
  const parts = filters.filter((part): part is Filter => part !== undefined && part.text.trim() !== '');
  return new Filter(parts.map((part) => `(${part.text})`).join(` ${operator} `));
}

/** `sort('-created', 'title')` → `-created,title`: `-` descending, `+` or nothing ascending. */
export function sort(...keys: string[]): string {
  for (const key of keys) checkedName(key.replace(/^[+-]/, ''));
  return keys.join(',');
}

/** `path` if it is a field path (`a`, `author.name`), else CLIENT_INVALID_ARGUMENT. */
function checkedName(path: string): string {
  if (!path.split('.').every((segment) => NAME.test(segment))) {
    throw invalid(`${JSON.stringify(path)} is not a field name (letters, digits and _, dot-separated).`);
  }
  return path;
}

/** One value as rule-language text. */
export function literal(value: FilterValue): string {
  if (value instanceof Filter) return `(${value.text})`;
  if (value instanceof FieldName) return value.path;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'string') return quote(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid('An invalid Date cannot be a filter value.');
    return quote(value.toISOString());
  }
  throw invalid(`A ${typeof value} cannot be a filter value: use a string, number, boolean, null or Date.`);
}

/** A double-quoted string literal with every quote, backslash and line break escaped. */
export function quote(value: string): string {
  let out = '"';
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    const unit = value.charCodeAt(index);
    if (unit === 0) throw invalid('A filter string cannot hold a NUL character.');
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(index + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw invalid('A filter string cannot hold a lone surrogate (invalid Unicode).');
      }
      out += char + (value[index + 1] as string);
      index++;
      continue;
    }
    out += ESCAPES[char] ?? char;
  }
  return `${out}"`;
}

/** Plain decimal: the lexer reads digits, `-` and one `.`, not exponents. */
function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw invalid(`${value} cannot be a filter value: numbers must be finite.`);
  const text = String(value === 0 ? 0 : value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', head = '', tail = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  const digits = head + tail;
  if (exponent >= 0) return sign + digits + '0'.repeat(exponent - tail.length);
  return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
}

/** Whether `text` ends inside a string literal (quotes and escapes as the server's lexer reads them). */
function isInsideString(text: string): boolean {
  let quoteChar: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoteChar === null) {
      if (char === '"' || char === "'") quoteChar = char;
    } else if (char === '\\') {
      index++;
    } else if (char === quoteChar) {
      quoteChar = null;
    }
  }
  return quoteChar !== null;
}

function invalid(detail: string) {
  return clientError('CLIENT_INVALID_ARGUMENT', 'Invalid filter', detail);
}
