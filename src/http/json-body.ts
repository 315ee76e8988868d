import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { appError } from '../errors/index.js';
import { nulRefusal, pathToNul } from './nul-guard.js';

/**
 * Deepest nesting accepted in a JSON body. No legitimate API body comes near it; deeper
 * documents only serve to exhaust recursive code further down (validators, serialisers).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON is the only body format. Parsing refuses `__proto__` and `constructor.prototype` keys
 * (prototype pollution) and documents nested deeper than MAX_JSON_DEPTH, before any object is
 * built, and any string or key holding NUL (nul-guard.ts). Every other content type gets 415 because no parser is registered for it.
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: bodyLimitBytes },
    (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(null, undefined);
      if (exceedsDepth(text, MAX_JSON_DEPTH)) return done(appError('HTTP_JSON_TOO_DEEP'), undefined);
      let parsed: unknown;
      try {
        parsed = secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
      } catch (error) {
        const isPoisoned = error instanceof SyntaxError && /prototype/i.test(error.message);
        return done(appError(isPoisoned ? 'HTTP_FORBIDDEN_KEY' : 'HTTP_MALFORMED_JSON'), undefined);
      }
      // JSON can carry NUL only as the escape `\u0000`: without one in the text there is nothing
      // to look for, and the walk (as costly as the parse on a 1 MiB body) is skipped.
      const nulAt = text.includes('\\u0000') ? pathToNul(parsed) : undefined;
      if (nulAt !== undefined) return done(nulRefusal('body', nulAt), undefined);
      done(null, parsed);
    },
  );
}

/** Linear scan of bracket depth outside string literals; cheaper than parsing to find out. */
export function exceedsDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return false;
}
