import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment a user would have: ours minus any BULWARK_* variable, plus the given ones. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BULWARK_')));
  return { ...env, ...extra };
}

/**
 * Runs the built binary on a real pseudo-terminal (`script`), as a person at a shell would, and
 * gives everything it drew there (stdout and stderr together, as a terminal shows them).
 */
export function runOnTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, 'dist/main.js', ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`);
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', quoted.join(' '), '/dev/null'], { cwd: REPO_ROOT, env: cleanEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real binary (`node dist/main.js ...`, built by `npm test`) and waits for it to exit. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['dist/main.js', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code once the process has ended. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `bulwark serve` and resolves once it prints its listening line. */
export function startServer(child: ChildProcess, timeoutMs = 20_000): Promise<RunningServer> {
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), timeoutMs);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      // The server's own line: a `--inspect` child prints "Debugger listening on ws://…" first.
      const match = /Bulwark \S+ listening on (\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
  });
}
