import { openCore, StartRefusedError } from '../app/open-core.js';
import { normaliseEmail } from '../features/identity/index.js';
import { requireInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from './output.js';

export interface SessionsRevokeFlags extends CommonFlags {
  all?: boolean;
  user?: string;
}

/**
 * `bulwark sessions revoke --all | --user EMAIL`: incident response from the server's shell.
 * Deleting session rows ends the sign-ins, their access tokens and refresh token families on
 * every instance at their next request (each request reads its session from the database).
 * `--user` also revokes the user's API keys. Both are written to the audit log.
 */
export async function runSessionsRevoke(flags: SessionsRevokeFlags, out: Output): Promise<number> {
  if (flags.all === true && flags.user !== undefined) {
    throw new CliError('--all and --user exclude each other; fix: pass one of them');
  }
  if (flags.all !== true && flags.user === undefined) {
    throw new CliError(
      "nothing chosen to revoke; fix: pass --all to end every session, or --user EMAIL for one user's",
    );
  }
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) {
      throw new CliError(error.findings.map((f) => `${f.message} [${f.id}]; fix: ${f.fix}`).join('\n'), EXIT_FINDINGS);
    }
    throw error;
  });
  try {
    if (flags.user === undefined) {
      const sessionsEnded = await core.auth.sessions.revokeEveryone();
      await core.audit.record({ type: 'admin.sessions.revoke_all', actor: 'cli', details: { sessionsEnded } });
      out.line(`revoked ${counted(sessionsEnded, 'session')}`);
      return 0;
    }
    const email = normaliseEmail(flags.user);
    const user = await core.auth.accounts.users.findByEmail(email);
    if (!user) throw new CliError(`no user with email ${email}; fix: check the address`);
    const sessionsEnded = Number((await core.auth.sessions.revokeAllForUser(user.id)).numDeletedRows);
    const keysRevoked = await core.auth.apiKeys.revokeAllForUser(user.id);
    await core.audit.record({
      type: 'admin.user.sessions.revoke',
      actor: 'cli',
      details: { userId: user.id, email: user.email, sessionsEnded, keysRevoked },
    });
    out.line(`revoked ${counted(sessionsEnded, 'session')} and ${counted(keysRevoked, 'API key')} of ${user.email}`);
    return 0;
  } finally {
    await core.close();
  }
}
