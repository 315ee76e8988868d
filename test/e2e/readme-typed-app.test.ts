// @module-tag slow (starts the real binary, tsc and tsx: skipped by `npm run test:quick`)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectSteps, readmeFiles, readmeScript, runBash } from '../helpers/readme-script.js';
import { cleanEnv, REPO_ROOT, type RunningServer, spawnCli, startServer } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The README's path from nothing to a typed app and a CI script (issue 19, "Done when"): its
 * `schema.json` and `app.ts` saved in an empty folder of the checkout, its ```sh typed-app
 * blocks run there with bash against a fresh server. Nobody computes a TOTP code on the way: the
 * administrator key comes from the shell, the schema goes over HTTP, the app is type-checked
 * against types generated from the file and runs with `@bulwark/client`.
 */

/** What `keys create` says of the key on standard error; nothing else may be written there. */
const KEY_INFO =
  /^administrator API key "ci" \(id \S+\) of owner@example\.com, scopes admin, expires \S+; it is shown once: store it now$/;

let folder: string | undefined;
let server: RunningServer | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await server?.stop();
  await database?.drop();
  if (folder) rmSync(folder, { recursive: true, force: true });
  server = undefined;
  database = undefined;
});

describe('README: from nothing to a typed app and a CI script', () => {
  it('runs as written: shell key, schema over HTTP, types from the file, a checked and working app', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const files = readmeFiles(readme, 'typed-app');
    expect([...files.keys()].sort()).toEqual(['app.ts', 'schema.json']);

    // Inside the checkout (`.tmp/` is ignored by git), so `@bulwark/client` and `npx` resolve
    // to this repository's own packages, as they do in an application of its workspace.
    folder = join(REPO_ROOT, '.tmp', `typed-app-${process.pid}-${Date.now()}`);
    mkdirSync(folder, { recursive: true });
    for (const [name, content] of files) writeFileSync(join(folder, name), content);
    database = await createTestDatabase();
    const env = { ...database.env, BULWARK_DATA_DIR: join(folder, 'data') };
    server = await startServer(spawnCli(['serve', '--port', '0'], { ...env, BULWARK_LOG_LEVEL: 'warn' }));

    const { script, steps } = readmeScript(readme, 'typed-app', server.url);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    writeFileSync(join(folder, 'typed-app.sh'), script);
    const result = await runBash(
      join(folder, 'typed-app.sh'),
      cleanEnv({ ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' }),
      150_000,
      folder,
    );
    const stderr = result.stderr.split('\n').filter((line) => line !== '');
    expect(stderr, `stdout:\n${result.stdout}`).toHaveLength(1);
    expect(stderr[0]).toMatch(KEY_INFO);
    expectSteps(result, steps);
    expect(readFileSync(join(folder, 'bulwark-types.ts'), 'utf8')).toContain('export interface TasksRecord {');
  }, 200_000);
});
