import { spawnCli } from './run-cli.js';

export interface ServeAttempt {
  /** True when the server got as far as listening (it is stopped again right away). */
  listened: boolean;
  code: number | null;
  stderr: string;
}

/**
 * Runs `bulwark serve` expecting a refusal: resolves when it exits, or when it prints its
 * listening line, in which case it is stopped and `listened` is true. A start that should
 * have been refused then fails the test's assertion instead of hanging it.
 */
export function attemptServe(args: string[], env: Record<string, string>): Promise<ServeAttempt> {
  return new Promise((resolve) => {
    const child = spawnCli(['serve', '--port', '0', ...args], env);
    let stderr = '';
    let listened = false;
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      if (!listened && /listening on /.test(stderr)) {
        listened = true;
        child.kill('SIGTERM');
      }
    });
    child.stdout?.resume();
    child.on('close', (code) => resolve({ listened, code, stderr }));
  });
}
