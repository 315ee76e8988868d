import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNotes, type RunningServer, startServer } from './server.js';

/**
 * The README's client example runs as written: its ```ts client-example block, against a real
 * server holding the README walkthrough's `notes` collection, importing this package's source
 * for `@bulwark/client`. Every `console.log` carrying a `// → …` comment must print exactly that.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '../../..');
const BLOCK = /^```ts client-example\n([\s\S]*?)^```$/m;
const EXPECTED = /\/\/ → (.*)$/;

let server: RunningServer;
const scratch = join(HERE, '../.tmp');
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
  mkdirSync(scratch, { recursive: true });
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server.app.close();
});

describe('README: the TypeScript client example', () => {
  it('runs against a server and prints what its comments say', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const code = BLOCK.exec(readme)?.[1];
    expect(code, 'README.md has a ```ts client-example block').toBeDefined();
    const source = join(HERE, '../src/index.ts');
    const file = join(scratch, `readme-example-${process.pid}.ts`);
    writeFileSync(file, (code as string).replaceAll("'@bulwark/client'", `'${source}'`));
    const expected = (code as string)
      .split('\n')
      .map((line) => EXPECTED.exec(line)?.[1])
      .filter((line): line is string => line !== undefined);

    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    vi.stubEnv('BULWARK_URL', server.url);
    try {
      await import(file);
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(printed).toEqual(expected);
  });
});
