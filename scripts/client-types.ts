import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/**
 * The client's request and response types, generated from the server's OpenAPI document by
 * openapi-typescript and checked in at CLIENT_TYPES_PATH. `npm run client:types` writes them;
 * packages/client/test/generated-types.test.ts renders them again from a running server's
 * `GET /api/openapi.json` and fails on any difference, so a route changed without
 * regenerating fails CI.
 */
export const CLIENT_TYPES_PATH = fileURLToPath(new URL('../packages/client/src/generated/openapi.ts', import.meta.url));

const HEADER = [
  "// Generated from the server's GET /api/openapi.json by `npm run client:types`",
  '// (scripts/client-types.ts, openapi-typescript). Do not edit: regenerate.',
  '',
].join('\n');

/** The TypeScript text for one OpenAPI document, deterministic for the same document. */
export async function renderClientTypes(document: object): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}
