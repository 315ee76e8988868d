import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Handlers take `request.body`, `query` and `params` types from their TypeBox schemas (the
 * type provider on HttpApp, src/http/http-app.ts), the schemas Ajv enforces. A cast, or a route
 * generic such as `app.post<{ Body: … }>`, restates that type by hand and can drift from the
 * schema without tsc noticing: none may come back.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `request.body as T`, `(req.query) as T`, `<T>request.params`, `request.body satisfies T`. */
const CAST =
  /\b(?:request|req)\)?\.(?:body|query|params)\)?\s*(?:as|satisfies)\b|<[^<>()]+>\s*\(?(?:request|req)\.(?:body|query|params)\b/;
/** A route's request types given by hand instead of by its schema. */
const ROUTE_GENERIC =
  /\.(?:get|post|put|patch|delete|head|options|all|route)\s*<\s*\{[^}]*\b(?:Body|Querystring|Params)\b/;

/** Every line of src/ that restates a request part's type, as `file:line: text`. */
function requestTypeRestatements(root: string): string[] {
  return sourcesOf(join(root, 'src')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) =>
        CAST.test(line) || ROUTE_GENERIC.test(line) ? [`${relative(root, file)}:${index + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe('request types come from the route schemas', () => {
  it('finds no cast or hand-written route generic of a request part in src/', () => {
    expect(sourcesOf(join(ROOT, 'src')).length).toBeGreaterThan(100);
    expect(requestTypeRestatements(ROOT)).toEqual([]);
  });

  it('recognises each way of restating the type', () => {
    const restating = [
      'const { id } = request.params as { id: string };',
      'const n = (request.body as { code: string }).code;',
      'const q = req.query as Query;',
      'const b = <Body>request.body;',
      'const b = request.body satisfies Body;',
      "app.post<{ Body: WebhookInputBody }>('/x', {}, handler);",
      'app.get<{ Params: IdParams; Querystring: Q }>(',
    ];
    const plain = [
      'const { id } = request.params;',
      'convertValues(request.query, query);',
      'const created = await deps.collections.create(request.body);',
      "app.get('/api/health', handler);",
    ];
    const flags = (line: string) => CAST.test(line) || ROUTE_GENERIC.test(line);
    expect(restating.filter((line) => !flags(line))).toEqual([]);
    expect(plain.filter(flags)).toEqual([]);
  });
});
