import { normaliseEmail } from '../features/identity/index.js';
import { withInstalledCore } from './installed-core.js';
import type { CommonFlags } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from './output.js';
import { mailBase, mailLinks, tellHowToResend } from './set-password-links.js';

/**
 * `bulwark users invite ADDRESS…`: mails existing accounts a fresh set-password link, the same
 * invitation `users import` sends (valid 72 hours; an earlier unused link stops working). For
 * users whose import mail failed, or whose link expired before they used it. Every address is
 * checked first: one with no account, or a disabled account, mails nothing. Audited per user.
 */
export async function runUsersInvite(addresses: string[], flags: CommonFlags, out: Output): Promise<number> {
  return withInstalledCore(flags, async (core) => {
    const baseUrl = mailBase(core);
    const accounts = [];
    const problems: string[] = [];
    for (const address of new Set(addresses.map(normaliseEmail))) {
      const user = await core.auth.accounts.findByEmail(address);
      if (!user) problems.push(`no account has the address ${address}`);
      else if (user.disabled) problems.push(`the account ${address} is disabled`);
      else accounts.push({ id: user.id, email: user.email });
    }
    if (problems.length > 0) {
      for (const problem of problems) out.error(problem);
      throw new CliError(
        `${counted(problems.length, 'address', 'addresses')} refused (listed above), so nothing was mailed; fix: correct the addresses, enable the accounts, or make them with bulwark users import`,
        EXIT_FINDINGS,
      );
    }
    const failed = await mailLinks(core, accounts, baseUrl, out);
    for (const account of accounts) {
      await core.audit.record({
        type: 'admin.user.invite',
        actor: 'cli',
        details: { userId: account.id, email: account.email, mailed: !failed.includes(account) },
      });
    }
    out.line(`mailed ${counted(accounts.length - failed.length, 'set-password link')}`);
    if (failed.length > 0) {
      tellHowToResend(failed, out);
      throw new CliError(
        `${counted(failed.length, 'set-password mail')} could not be sent (listed above); fix: check the SMTP server, then run the command again for those addresses`,
        EXIT_FINDINGS,
      );
    }
    return 0;
  });
}
