import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appError } from '../errors/index.js';

/** Where a NUL was found, as the client would name that part of its request. */
const PART_NAMES = { params: 'path', query: 'query string', body: 'body' } as const;

/**
 * Refuses NUL (U+0000) in every decoded string a request carries: path parameters, query
 * values and JSON body strings and keys. PostgreSQL cannot store NUL in text and fails the
 * whole statement (a 500 for `GET /records/%00` or `?email=a%00`); no field of ours accepts it
 * either, and C-string code downstream would truncate at it. One check before validation,
 * so that no route, query or repository has to remember it.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const found = findNul(request);
    if (found === undefined) return done();
    done(
      appError('HTTP_NUL_CHARACTER', {
        detail: `The ${PART_NAMES[found.part]} contains a NUL character (U+0000), which no field accepts.`,
        fields: [{ field: found.field, code: 'nul_character', message: 'contains a NUL character (U+0000)' }],
      }),
    );
  });
}

function findNul(request: FastifyRequest): { part: keyof typeof PART_NAMES; field: string } | undefined {
  for (const part of ['params', 'query', 'body'] as const) {
    const field = pathToNul(request[part]);
    if (field !== undefined) return { part, field: field === '' ? part : field };
  }
  return undefined;
}

/**
 * Where inside `value` a string or an object key holds NUL, as a dotted path (`items.0.name`,
 * `""` for `value` itself), or undefined. Iterative: a parsed body is at most 32 levels deep
 * (json-body.ts), but a stack of our own keeps that no concern of this function.
 */
export function pathToNul(value: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[value, '']];
  const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  while (pending.length > 0) {
    const [item, path] = pending.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return path;
    } else if (Array.isArray(item)) {
      // One by one: spreading a 200,000-item array into push() overflows the call stack.
      for (let i = 0; i < item.length; i++) pending.push([item[i], join(path, String(i))]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        // The key itself is not echoed: it holds the NUL.
        if (key.includes('\u0000')) return path;
        pending.push([inner, join(path, key)]);
      }
    }
  }
  return undefined;
}
