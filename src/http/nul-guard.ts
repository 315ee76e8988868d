import type { FastifyInstance } from 'fastify';
import { type AppError, appError } from '../errors/index.js';

/** Where a NUL was found, as the client would name that part of its request. */
const PART_NAMES = { params: 'path', query: 'query string', body: 'body' } as const;
type RequestPart = keyof typeof PART_NAMES;

/**
 * NUL (U+0000) is refused in every decoded string a request carries: path parameters, query
 * values, and JSON body strings and keys. PostgreSQL cannot store NUL in text and fails the
 * whole statement (a 500 for `GET /records/%00` or `?email=a%00`); no field of ours accepts it
 * either, and C-string code downstream would truncate at it. Refused before validation, so
 * that no route, query or repository has to remember it: path and query here, the body in
 * the JSON parser (json-body.ts), where the text shows cheaply whether a walk is needed.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    for (const part of ['params', 'query'] as const) {
      const field = pathToNul(request[part]);
      if (field !== undefined) return done(nulRefusal(part, field));
    }
    done();
  });
}

/** The 400 for a NUL in `part`, naming the field it was found in (never the value). */
export function nulRefusal(part: RequestPart, field: string): AppError {
  return appError('HTTP_NUL_CHARACTER', {
    detail: `The ${PART_NAMES[part]} contains a NUL character (U+0000), which no field accepts.`,
    fields: [
      { field: field === '' ? part : field, code: 'nul_character', message: 'contains a NUL character (U+0000)' },
    ],
  });
}

/**
 * Where inside `value` a string or an object key holds NUL, as a dotted path (`items.0.name`,
 * `""` for `value` itself), or undefined. Recursive, and the path is built only on the way back
 * from a hit: no allocation per visited value (an 80,000-key body is walked in well under the
 * time its parse took). Depth is bounded: bodies nest at most 32 levels (json-body.ts), path
 * parameters and query values one or two.
 */
export function pathToNul(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = pathToNul(value[i]);
      if (inner !== undefined) return joinPath(String(i), inner);
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    // The key itself is not echoed: it holds the NUL.
    if (key.includes('\u0000')) return '';
    const inner = pathToNul((value as Record<string, unknown>)[key]);
    if (inner !== undefined) return joinPath(key, inner);
  }
  return undefined;
}

const joinPath = (key: string, rest: string) => (rest === '' ? key : `${key}.${rest}`);
