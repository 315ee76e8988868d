import { spawn } from 'node:child_process';
import { homedir } from 'node:os';

/** Debian's PostgreSQL client programs; their absence is named with the package to install. */
export const PG_DUMP = '/usr/bin/pg_dump';
export const PG_RESTORE = '/usr/bin/pg_restore';
/** Connection parameters libpq understands in a URI; the rest of node-postgres' options are dropped. */
const LIBPQ_PARAMS = new Set([
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslcrl',
  'connect_timeout',
  'application_name',
  'target_session_attrs',
]);

export interface PgConnection {
  /** A libpq URI without the password (safe in argv and `ps`). */
  uri: string;
  /** Environment for the child: the password (never in argv) and nothing else of ours. */
  env: NodeJS.ProcessEnv;
}

/**
 * `database.url` as pg_dump and pg_restore take it. The password goes to the child's own
 * environment (PGPASSWORD), which other users cannot read, unlike its argv. TLS is kept as the
 * server uses it: node-postgres treats `ssl=true` and `sslmode=require` as verified TLS, so
 * they become libpq's `verify-full` rather than its unverified `require`.
 */
export function pgConnectionOf(databaseUrl: string): PgConnection {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const params = new URLSearchParams();
  for (const [name, value] of url.searchParams) if (LIBPQ_PARAMS.has(name)) params.set(name, value);
  const ssl = url.searchParams.get('ssl');
  if (params.get('sslmode') === 'require' || (!params.has('sslmode') && (ssl === 'true' || ssl === '1'))) {
    params.set('sslmode', 'verify-full');
  }
  url.search = params.toString();
  url.protocol = 'postgresql:';
  // HOME: where libpq looks for ~/.postgresql/root.crt, the default CA for verify-full.
  const env: NodeJS.ProcessEnv = { HOME: homedir(), LANG: 'C' };
  if (password) env.PGPASSWORD = password;
  return { uri: url.toString(), env };
}

/** Why a PostgreSQL tool failed, in words for an operator (its own message may name the password file or host details). */
export class PgToolError extends Error {
  override readonly name = 'PgToolError';
  readonly detail: string;
  constructor(tool: string, detail: string) {
    super(`${tool} failed: ${detail}`);
    this.detail = detail;
  }
}

/**
 * Runs a PostgreSQL client program and resolves when it exits 0. Its stderr is kept (bounded)
 * for the error: libpq's messages name hosts and roles, never the password.
 */
export function runPgTool(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const tool = program.split('/').pop() ?? program;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT';
      reject(
        new PgToolError(
          tool,
          missing ? `${program} is not installed (Debian: apt-get install postgresql-client)` : (error.code ?? 'error'),
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? `exit ${code}`;
      reject(new PgToolError(tool, firstLine.replace(/^\S+: (error: )?/, '').trim()));
    });
  });
}
