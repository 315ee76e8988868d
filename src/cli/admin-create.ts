import { openCore, StartRefusedError } from '../app/open-core.js';
import { isAppError } from '../errors/index.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS, type Output } from './output.js';
import { readFirstLineFromStdin, readPasswordFromTerminal } from './read-password.js';

export interface AdminCreateFlags extends CommonFlags {
  email: string;
}

/**
 * `bulwark admin create --email E`: asks for the password twice on a terminal, or reads it
 * once from piped standard input; the password passes the same policy as a sign-up.
 */
export async function runAdminCreate(flags: AdminCreateFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  const password = await readPassword();
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) {
      throw new CliError(error.findings.map((f) => `${f.message} [${f.id}]; fix: ${f.fix}`).join('\n'), EXIT_FINDINGS);
    }
    throw error;
  });
  try {
    if (await core.auth.accounts.findByEmail(flags.email)) {
      throw new CliError(`an account with email ${flags.email} already exists; fix: choose another email`);
    }
    const user = await core.auth.accounts.createAdmin(flags.email, password);
    await core.audit.record({
      type: 'admin.create',
      actor: 'cli:admin-create',
      details: { userId: user.id, email: user.email },
    });
    out.line(`administrator ${user.email} created (id ${user.id})`);
    return 0;
  } catch (error) {
    if (isAppError(error) && error.code === 'AUTH_WEAK_PASSWORD') {
      throw new CliError(`password not accepted: ${error.detail ?? 'too weak'}`);
    }
    throw error;
  } finally {
    await core.close();
  }
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const password = await readFirstLineFromStdin();
    if (!password)
      throw new CliError(
        'no password on standard input; fix: pipe it in, e.g. `printf %s "$PW" | bulwark admin create --email E`',
      );
    return password;
  }
  const first = await readPasswordFromTerminal('Password: ');
  const second = await readPasswordFromTerminal('Repeat password: ');
  if (first !== second) throw new CliError('the two passwords differ; fix: run the command again');
  return first;
}
