import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TYPES_PATH, renderClientTypes } from '../../../scripts/client-types.js';
import { type RunningServer, startServer } from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.app.close());

describe('the client’s generated types', () => {
  it('are what openapi-typescript makes of the running server’s OpenAPI document (run `npm run client:types`)', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const regenerated = await renderClientTypes((await response.json()) as object);
    const checkedIn = readFileSync(CLIENT_TYPES_PATH, 'utf8');
    // What to run and where the files part, rather than a diff of thousands of lines.
    const lines = checkedIn.split('\n');
    const fresh = regenerated.split('\n');
    const firstDifference = lines.findIndex((line, index) => line !== fresh[index]);
    const where = firstDifference === -1 ? 'at the end' : `from line ${firstDifference + 1}: ${fresh[firstDifference]}`;
    expect(
      checkedIn === regenerated,
      `packages/client/src/generated/openapi.ts is stale (${where}): run \`npm run client:types\``,
    ).toBe(true);
  });
});
