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
    const part = partWithNul(request);
    if (part === undefined) return done();
    done(
      appError('HTTP_NUL_CHARACTER', {
        detail: `The ${PART_NAMES[part]} contains a NUL character (U+0000), which no field accepts.`,
      }),
    );
  });
}

function partWithNul(request: FastifyRequest): keyof typeof PART_NAMES | undefined {
  if (containsNul(request.params)) return 'params';
  if (containsNul(request.query)) return 'query';
  if (containsNul(request.body)) return 'body';
  return undefined;
}

/**
 * Whether any string or object key inside `value` holds NUL. Iterative: a parsed body is at most
 * 32 levels deep (json-body.ts), but a stack of our own keeps that no concern of this function.
 */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (Array.isArray(item)) {
      // One by one: spreading a 200,000-item array into push() overflows the call stack.
      for (const inner of item) pending.push(inner);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}
