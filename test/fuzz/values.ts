import type { Rng } from './prng.js';

/**
 * Values for a JSON schema (the subset the OpenAPI document uses): valid ones so requests get
 * past validation and reach handlers, and hostile ones (boundaries, wrong types, NUL, lone
 * surrogates, numbers JSON cannot hold) to put in one place at a time.
 */
export type Schema = {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

/** Text put into a JSON body as is: numbers JSON.stringify cannot write (1e309, -0, 2^63). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text for a generated value; keys such as `__proto__` are written like any other. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface ValueContext {
  rng: Rng;
  resolve: (ref: string) => Schema;
  /** Known good values for a property or parameter name (ids, emails, collection names). */
  hint: (name: string) => readonly unknown[] | undefined;
}

export function validValue(schema: Schema, ctx: ValueContext, name = '', depth = 0): unknown {
  const { rng } = ctx;
  if (schema.$ref) return validValue(ctx.resolve(schema.$ref), ctx, name, depth);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return validValue(rng.pick(branches), ctx, name, depth);
  if (schema.enum) return rng.pick(schema.enum);
  const hinted = ctx.hint(name);
  if (hinted?.length && rng.chance(0.85)) return rng.pick(hinted);
  switch (schema.type) {
    case 'string':
      return validString(schema, rng);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? min + 1000, min + 1000);
      const whole = rng.between(Math.ceil(min), Math.floor(max));
      return schema.type === 'number' && rng.chance(0.3) ? Math.min(max, whole + 0.5) : whole;
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      const min = schema.minItems ?? 0;
      const count = rng.between(min, Math.max(min, Math.min(schema.maxItems ?? min + 3, min + 3)));
      return Array.from({ length: count }, () => validValue(schema.items ?? {}, ctx, name, depth + 1));
    }
    case 'object':
      return validObject(schema, ctx, depth);
    default:
      return rng.pick(['x', 1, true, { a: 1 }, ['x']]);
  }
}

function validObject(schema: Schema, ctx: ValueContext, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (required.has(key) || (depth < 3 && ctx.rng.chance(0.5)))
      object[key] = validValue(property, ctx, key, depth + 1);
  }
  return object;
}

const WORD = 'abcdefghijklmnopqrstuvwxyz0123456789';

function validString(schema: Schema, rng: Rng): string {
  if (schema.format === 'email') return `fuzz-${rng.int(1e9)}@example.com`;
  if (schema.format === 'uri') return `https://example.com/${rng.int(1e6)}`;
  if (schema.pattern) {
    const generated = fromPattern(schema.pattern, rng);
    if (generated !== undefined) return generated;
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? min + 24, min + 24);
  const length = rng.between(min, Math.max(min, max));
  return Array.from({ length }, () => WORD[rng.int(WORD.length)]).join('');
}

/**
 * A string matching a simple anchored pattern made of literals and character classes with
 * quantifiers (`^[a-z][a-z0-9_]{0,39}$`, `^[A-Za-z0-9 -]+$`); undefined for anything richer.
 */
export function fromPattern(pattern: string, rng: Rng): string | undefined {
  const atoms = /\[((?:\\.|[^\]])+)\]|\\(.)|([^[\\^${}+*?])|\{(\d+)(?:,(\d*))?\}|([+*?])|(\^|\$)/gy;
  const pieces: Array<{ chars: string[]; min: number; max: number }> = [];
  let match: RegExpExecArray | null;
  let consumed = 0;
  for (match = atoms.exec(pattern); match !== null; match = atoms.exec(pattern)) {
    consumed = atoms.lastIndex;
    const [, cls, escaped, literal, qMin, qMax, quantifier] = match;
    const last = pieces[pieces.length - 1];
    if (cls !== undefined) pieces.push({ chars: expandClass(cls), min: 1, max: 1 });
    else if (escaped !== undefined || literal !== undefined)
      pieces.push({ chars: [escaped ?? literal ?? ''], min: 1, max: 1 });
    else if (qMin !== undefined && last) {
      last.min = Number(qMin);
      last.max = qMax === undefined ? Number(qMin) : qMax === '' ? Number(qMin) + 8 : Number(qMax);
    } else if (quantifier && last) {
      last.min = quantifier === '+' ? 1 : 0;
      last.max = quantifier === '?' ? 1 : 8;
    }
  }
  if (consumed !== pattern.length || pieces.some((piece) => piece.chars.length === 0)) return undefined;
  return pieces
    .map(({ chars, min, max }) =>
      Array.from({ length: rng.between(min, Math.min(max, min + 12)) }, () => rng.pick(chars)).join(''),
    )
    .join('');
}

function expandClass(body: string): string[] {
  if (body.startsWith('^')) return [];
  const chars: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const from = body[i] === '\\' ? body[++i] : body[i];
    if (from === undefined) break;
    if (body[i + 1] === '-' && body[i + 2] !== undefined) {
      const to = body[i + 2] as string;
      for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code++) chars.push(String.fromCharCode(code));
      i += 2;
    } else chars.push(from);
  }
  return chars;
}

/** Strings that break naive code: empty, huge, NUL, lone surrogates, bad dates, numbers as text. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ufeff\u202e',
  '💥'.repeat(40),
  '%FF',
  '%00',
  '../../../etc/passwd',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  '\\',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '2024-02-30',
  '2023-02-29T25:61:61Z',
  '0000-00-00',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1',
  '0x10',
  'null',
  'true',
  'a\r\nx-injected: 1',
  'A'.repeat(2049),
];

/** Numbers at and beyond every boundary, including ones only raw JSON text can carry. */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 63),
  Number.MAX_VALUE,
  new RawJson('-0'),
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('1e-400'),
  new RawJson('9007199254740993'),
  new RawJson('123456789012345678901234567890'),
];

/** A value of any kind that does not belong where it is put. */
export function hostileValue(rng: Rng): unknown {
  switch (rng.int(8)) {
    case 0:
    case 1:
    case 2:
      return rng.pick(HOSTILE_STRINGS);
    case 3:
      return rng.chance(0.1) ? 'x'.repeat(rng.between(10_000, 400_000)) : rng.pick(HOSTILE_STRINGS);
    case 4:
      return rng.pick(HOSTILE_NUMBERS);
    case 5:
      return rng.pick([null, true, false, [], {}, ['x', 'x'], [null], { a: { b: { c: [1] } } }]);
    case 6:
      return rng.chance(0.5) ? deepNesting(rng.between(20, 200)) : manyKeys(rng.between(50, 1000));
    default:
      return Array.from({ length: rng.chance(0.15) ? rng.between(1000, 25_000) : rng.between(2, 50) }, () =>
        rng.pick(['x', 1, null, '\u0000', {}]),
      );
  }
}

export function deepNesting(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

export function manyKeys(count: number, prefix = 'k'): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, i]));
}
