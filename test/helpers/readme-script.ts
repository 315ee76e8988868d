import { spawn } from 'node:child_process';
import { expect } from 'vitest';

/**
 * Runs the README's shell blocks of one kind (```sh <tag>) as one bash script, the way a reader
 * pastes them: every command carrying a `# → …` comment must print exactly that (whitespace
 * folded, `…` standing for ids and secrets), and nothing else may print anything.
 */

const EXPECTED = /\s#\s→\s(.*)$/;
export const BASE_LINE = 'B=http://127.0.0.1:8090';
const MARKER = '@@readme-step@@';

export interface Step {
  command: string;
  expected: string;
}

/** The blocks as one bash script, with a marker printed after each command that shows output. */
export function readmeScript(readme: string, tag: string, baseUrl: string): { script: string; steps: Step[] } {
  const blocks = [...readme.matchAll(new RegExp(`^\`\`\`sh ${tag}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map(
    (m) => m[1] ?? '',
  );
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

/** Files the README shows whole (```<lang> <tag>-file NAME): name → content. */
export function readmeFiles(readme: string, tag: string): Map<string, string> {
  const pattern = new RegExp(`^\`\`\`\\w+ ${tag}-file (\\S+)\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return new Map([...readme.matchAll(pattern)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

export const fold = (text: string) => text.trim().replace(/\s+/g, ' ');

/** What the README shows, as a pattern over the output with whitespace folded. */
export function outputPattern(expected: string): RegExp {
  const escaped = fold(expected)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replaceAll('…', '.+');
  return new RegExp(`^${escaped}$`);
}

export interface BashResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runBash(scriptPath: string, env: NodeJS.ProcessEnv, timeoutMs: number, cwd: string) {
  return new Promise<BashResult>((resolve) => {
    const child = spawn('bash', [scriptPath], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The script ran to its end and each shown step printed what the README says it prints. */
export function expectSteps(result: BashResult, steps: readonly Step[]): void {
  const context = `stderr:\n${result.stderr}\nstdout:\n${result.stdout}`;
  expect(result.code, context).toBe(0);
  const outputs = result.stdout.split(`\n${MARKER}\n`);
  expect(outputs, context).toHaveLength(steps.length + 1);
  expect(fold(outputs.at(-1) ?? ''), 'output after the last shown step').toBe('');
  steps.forEach((step, index) => {
    expect(fold(outputs[index] ?? ''), `step ${index + 1}: ${step.command}`).toMatch(outputPattern(step.expected));
  });
}
