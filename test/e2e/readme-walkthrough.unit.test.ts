import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_LINE, expectSteps, readmeScript, runBash } from '../helpers/readme-script.js';
import { cleanEnv, REPO_ROOT, type RunningServer, spawnCli, startServer } from '../helpers/run-cli.js';

/**
 * The README's data walkthrough (issue 14, item 1): a new user follows it from a fresh start to
 * a working collection, so it must run as written. Its ```sh walkthrough blocks run here, in one
 * bash session from the checkout, against the built server on a free port with a fresh data
 * folder; every command carrying a `# → …` comment must print exactly that (whitespace folded,
 * `…` standing for ids and secrets), and nothing else may print anything.
 */

let workDir: string;
let server: RunningServer | undefined;
beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'bulwark-walkthrough-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

describe('README data walkthrough', () => {
  it('runs as written against a fresh server, and every command prints what the README says', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme, 'the walkthrough must name the default address').toContain(`\n${BASE_LINE}\n`);
    // `npx bulwark` runs the package's bin file itself: the build must leave it executable,
    // whatever npm's own cache happens to have done to it before.
    const binMode = statSync(join(REPO_ROOT, 'dist/main.js')).mode;
    expect(binMode & 0o111, 'npm run build leaves dist/main.js executable').not.toBe(0);

    // What `npm start` gives a new user, on a free port and in a folder of its own; the CLI
    // commands in the walkthrough find the same folder through the environment.
    const dataDir = join(workDir, 'data');
    const env = { BULWARK_DATA_DIR: dataDir };
    server = await startServer(spawnCli(['serve', '--port', '0'], { ...env, BULWARK_LOG_LEVEL: 'warn' }));
    const { script, steps } = readmeScript(readme, 'walkthrough', server.url);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    const scriptPath = join(workDir, 'walkthrough.sh');
    writeFileSync(scriptPath, script);

    const result = await runBash(
      scriptPath,
      // Offline: `npx bulwark` must find this checkout's own binary, never fetch a package.
      cleanEnv({ ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' }),
      100_000,
      REPO_ROOT,
    );
    expect(result.stderr, `stdout:\n${result.stdout}`).toBe('');
    expectSteps(result, steps);
  }, 120_000);
});
