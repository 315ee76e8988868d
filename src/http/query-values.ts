import type { FastifyInstance, preValidationHookHandler } from 'fastify';

/**
 * Query strings and path parameters arrive as text; their schemas say which are numbers or
 * booleans. Ajv's own coercion is off everywhere (it turned a JSON `null` rule into `""`, and a
 * one-element array into a string), and it was loose for numbers too: `Infinity`, `-Infinity`
 * and `1e309` became non-finite numbers that `minimum`/`maximum` never check, reaching SQL as a
 * 500. Here only plain decimal text converts; anything else stays a string and fails validation.
 */
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,14})$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$/;
const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false };

type Convert = (text: string) => unknown;

const CONVERTERS: Readonly<Record<string, Convert>> = {
  integer: (text) => (INTEGER_TEXT.test(text) ? Number(text) : text),
  number: (text) => (NUMBER_TEXT.test(text) ? Number(text) : text),
  boolean: (text) => BOOLEAN_TEXT[text] ?? text,
};

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

/** Which properties of a flat object schema hold numbers or booleans, and how to read them. */
export function convertersFor(schema: unknown): Map<string, Convert> {
  const converters = new Map<string, Convert>();
  const properties = (schema as ObjectSchema | undefined)?.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    const convert = typeof property.type === 'string' ? CONVERTERS[property.type] : undefined;
    if (convert) converters.set(name, convert);
  }
  return converters;
}

/** Converts in place the values that are plain text of the schema's type; arrays and others stay. */
export function convertValues(values: unknown, converters: Map<string, Convert>): void {
  // Fastify's query and path parsers always give an object; the check only tells the type so.
  if (typeof values !== 'object' || values === null) return;
  for (const [name, convert] of converters) {
    const value: unknown = Reflect.get(values, name);
    if (typeof value === 'string') Reflect.set(values, name, convert(value));
  }
}

/**
 * Gives each route whose query or path schema has numbers or booleans a pre-validation step
 * that converts them strictly; other routes get nothing on their path.
 */
export function registerStrictQueryValues(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const query = convertersFor(route.schema?.querystring);
    const params = convertersFor(route.schema?.params);
    if (query.size === 0 && params.size === 0) return;
    const convert: preValidationHookHandler = (request, _reply, done) => {
      if (query.size > 0) convertValues(request.query, query);
      if (params.size > 0) convertValues(request.params, params);
      done();
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [convert] : [convert, ...[existing].flat()];
  });
}
