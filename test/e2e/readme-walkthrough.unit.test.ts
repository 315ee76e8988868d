import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT, type RunningServer, spawnCli, startServer } from '../helpers/run-cli.js';

/**
 * The README's data walkthrough (issue 14, item 1): a new user follows it from a fresh start to
 * a working collection, so it must run as written. Its ```sh walkthrough blocks run here, in one
 * bash session from the checkout, against the built server on a free port with a fresh data
 * folder; every command carrying a `# → …` comment must print exactly that (whitespace folded,
 * `…` standing for ids and secrets), and nothing else may print anything.
 */

const BLOCK = /^```sh walkthrough\n([\s\S]*?)^```$/gm;
const EXPECTED = /\s#\s→\s(.*)$/;
const BASE_LINE = 'B=http://127.0.0.1:8090';
const MARKER = '@@walkthrough-step@@';

interface Step {
  command: string;
  expected: string;
}

/** The walkthrough as one bash script, with a marker printed after each command that shows output. */
function walkthroughScript(readme: string, baseUrl: string): { script: string; steps: Step[] } {
  const blocks = [...readme.matchAll(BLOCK)].map((match) => match[1] ?? '');
  const steps: Step[] = [];
  const lines: string[] = ['set -euo pipefail'];
  for (const line of blocks.join('\n').split('\n')) {
    // The README names the default port; the test's server listens on a free one.
    lines.push(line === BASE_LINE ? `B=${baseUrl}` : line);
    const expected = EXPECTED.exec(line)?.[1];
    if (expected !== undefined) {
      steps.push({ command: line.replace(EXPECTED, '').trim(), expected: expected.trim() });
      lines.push(`printf '\\n%s\\n' '${MARKER}'`);
    }
  }
  return { script: `${lines.join('\n')}\n`, steps };
}

/** What the README shows, as a pattern over the output with whitespace folded. */
function outputPattern(expected: string): RegExp {
  const escaped = fold(expected)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replaceAll('…', '.+');
  return new RegExp(`^${escaped}$`);
}

const fold = (text: string) => text.trim().replace(/\s+/g, ' ');

function runBash(scriptPath: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', [scriptPath], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

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
    const { script, steps } = walkthroughScript(readme, server.url);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    const scriptPath = join(workDir, 'walkthrough.sh');
    writeFileSync(scriptPath, script);

    const result = await runBash(
      scriptPath,
      // Offline: `npx bulwark` must find this checkout's own binary, never fetch a package.
      cleanEnv({ ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' }),
      100_000,
    );
    const context = `stderr:\n${result.stderr}\nstdout:\n${result.stdout}`;
    expect(result.code, context).toBe(0);
    expect(result.stderr, context).toBe('');

    const outputs = result.stdout.split(`\n${MARKER}\n`);
    expect(outputs, context).toHaveLength(steps.length + 1);
    expect(fold(outputs.at(-1) ?? ''), 'output after the last shown step').toBe('');
    steps.forEach((step, index) => {
      expect(fold(outputs[index] ?? ''), `step ${index + 1}: ${step.command}`).toMatch(outputPattern(step.expected));
    });
  }, 120_000);
});
