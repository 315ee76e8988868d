import type { Core } from '../app/open-core.js';
import { isMailError } from '../features/mail/index.js';
import { CliError, type Output } from './output.js';
import { startProgress } from './progress.js';

/** Addresses named one by one when their mail failed; the rest are counted. */
const MAX_LISTED = 50;

/**
 * Where mailed links point; refused before anything is written or mailed when mail cannot go
 * out. `orElse` is the way round it the command offers (`--no-mail`), if any.
 */
export function mailBase(core: Core, orElse?: string): string {
  const otherwise = orElse ? `, or ${orElse}` : '';
  if (!core.auth.canMail) {
    throw new CliError(
      `no SMTP server is configured, so no set-password link can be mailed; fix: set smtp.url (BULWARK_SMTP_URL)${otherwise}`,
    );
  }
  const base = core.config.publicUrl;
  if (base === undefined) {
    throw new CliError(
      `publicUrl is not set, so a mailed link cannot say where the server is; fix: set publicUrl (BULWARK_PUBLIC_URL)${otherwise}`,
    );
  }
  return base;
}

/**
 * Mails each account a set-password link (a fresh one replaces any earlier unused link);
 * returns the accounts whose mail failed, each reported on its own line after the progress bar.
 */
export async function mailLinks<T extends { id: string; email: string; line?: number }>(
  core: Core,
  accounts: readonly T[],
  baseUrl: string,
  out: Output,
): Promise<T[]> {
  const progress = startProgress('mailing', 'links');
  progress.setTotal(accounts.length);
  const failed: Array<{ account: T; message: string }> = [];
  for (const account of accounts) {
    try {
      await core.auth.sendSetPasswordLink(account, baseUrl);
    } catch (error) {
      // The mailer's own code, never the SMTP server's text (which may quote credentials).
      const why = isMailError(error) ? error.code : 'unexpected error';
      const where = account.line === undefined ? '' : `line ${account.line}: `;
      failed.push({ account, message: `${where}the set-password mail to ${account.email} was not sent (${why})` });
    }
    progress.advance(1);
  }
  progress.stop();
  // After the bar, which would otherwise draw over them.
  for (const { message } of failed) out.error(message);
  return failed.map(({ account }) => account);
}

/**
 * Names the addresses whose mail failed, and the command that mails them a link again once
 * mail works. The addresses are listed, not pasted into a command: quoted into a shell line,
 * one holding `'` could break out of it.
 */
export function tellHowToResend(failed: ReadonlyArray<{ email: string }>, out: Output): void {
  const listed = failed.slice(0, MAX_LISTED).map((user) => user.email);
  const more = failed.length > MAX_LISTED ? ` and ${failed.length - MAX_LISTED} more (listed above)` : '';
  out.error(`not mailed: ${listed.join(', ')}${more}`);
  out.error('to mail each a link again: bulwark users invite ADDRESS… (with the same --data or --config)');
}
