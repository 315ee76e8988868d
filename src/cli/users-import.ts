import { readFile, stat } from 'node:fs/promises';
import type { Core } from '../app/open-core.js';
import { ImportEmailTaken, type ImportedAccount, importAccounts } from '../features/identity/index.js';
import { withInstalledCore } from './installed-core.js';
import type { CommonFlags } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from './output.js';
import { startProgress } from './progress.js';
import { mailBase, mailLinks, tellHowToResend } from './set-password-links.js';
import { type BadLine, parseImportLines } from './users-import-lines.js';

export interface UsersImportFlags extends CommonFlags {
  /** False with `--no-mail`. */
  mail?: boolean;
}

/** One transaction holds every account of a file; beyond this, split the file. */
const MAX_ACCOUNTS = 100_000;
/** About 200 bytes a line at most, times MAX_ACCOUNTS: anything bigger is not an account list. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Bad lines named one by one; the rest are counted. */
const MAX_LISTED = 50;
/** Emails looked up per query when checking which already have an account. */
const LOOKUP_CHUNK = 500;

/**
 * `bulwark users import FILE.jsonl [--no-mail]`: makes accounts from a JSON-lines file
 * (email, name, role), all or none: every line is checked first (format, fields, no password,
 * no duplicate, no existing account), and any bad line imports nothing and is reported with its
 * number. The accounts are then written in one transaction, without passwords; each user is
 * mailed a set-password link, unless `--no-mail`. A mail that fails leaves its account (the
 * accounts were committed first) and is reported, with the addresses not mailed and the command
 * that mails them a link, and exit 1. Audited with actor `cli`.
 */
export async function runUsersImport(file: string, flags: UsersImportFlags, out: Output): Promise<number> {
  const shouldMail = flags.mail !== false;
  const { accounts, bad } = parseImportLines(await readImportFile(file));
  return withInstalledCore(flags, async (core) => {
    const baseUrl = shouldMail ? mailBase(core, 'pass --no-mail') : null;
    if (accounts.length > MAX_ACCOUNTS) {
      throw new CliError(`${file} holds ${accounts.length} accounts, more than ${MAX_ACCOUNTS}; fix: split it`);
    }
    bad.push(...(await alreadyThere(core, accounts)));
    if (bad.length > 0) throw refused(bad, file, out);
    if (accounts.length === 0) {
      throw new CliError(
        `${file} holds no accounts; fix: write one JSON object per line, e.g. {"email": "ana@example.com"}`,
      );
    }
    const made = await writeAccounts(core, accounts);
    out.line(`imported ${counted(made.length, 'account')} from ${file}`);
    const failed = baseUrl === null ? [] : await mailLinks(core, made, baseUrl, out);
    const mailed = baseUrl === null ? 0 : made.length - failed.length;
    await core.audit.record({
      type: 'admin.users.import',
      actor: 'cli',
      details: { file, imported: made.length, mailed, mailFailed: failed.length },
    });
    if (baseUrl === null) out.line('no links mailed (--no-mail): the users set a password through "forgot password"');
    else out.line(`mailed ${counted(mailed, 'set-password link')}`);
    if (baseUrl !== null && failed.length > 0) {
      tellHowToResend(failed, out);
      throw new CliError(
        `${counted(failed.length, 'set-password mail')} could not be sent (listed above); every account of the file exists; fix: check the SMTP server, then send those users a link with the command above`,
        EXIT_FINDINGS,
      );
    }
    return 0;
  });
}

async function readImportFile(file: string): Promise<string> {
  const fix = 'fix: pass the path of a JSON-lines file, one account per line';
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new CliError(`cannot read ${file}: no such file; ${fix}`);
  if (info.size > MAX_FILE_BYTES) throw new CliError(`${file} is larger than ${MAX_FILE_BYTES} bytes; fix: split it`);
  return readFile(file, 'utf8');
}

async function alreadyThere(core: Core, accounts: readonly ImportedAccount[]): Promise<BadLine[]> {
  const existing = new Set<string>();
  for (let start = 0; start < accounts.length; start += LOOKUP_CHUNK) {
    const emails = accounts.slice(start, start + LOOKUP_CHUNK).map((account) => account.email);
    for (const email of await core.auth.accounts.users.findExistingEmails(emails)) existing.add(email);
  }
  return accounts
    .filter((account) => existing.has(account.email))
    .map((account) => ({ line: account.line, problem: `an account with email ${account.email} already exists` }));
}

function refused(bad: BadLine[], file: string, out: Output): CliError {
  const sorted = [...bad].sort((a, b) => a.line - b.line);
  for (const { line, problem } of sorted.slice(0, MAX_LISTED)) out.error(`${file}:${line}: ${problem}`);
  if (sorted.length > MAX_LISTED) out.error(`… and ${sorted.length - MAX_LISTED} more`);
  return new CliError(
    `${counted(bad.length, 'line')} refused (listed above), so nothing was imported; fix: correct or remove those lines and run again`,
    EXIT_FINDINGS,
  );
}

async function writeAccounts(core: Core, accounts: readonly ImportedAccount[]) {
  const progress = startProgress('importing', 'accounts');
  progress.setTotal(accounts.length);
  const made = await importAccounts(core.database, accounts, { now: Date.now, onAccount: () => progress.advance(1) })
    .catch((error: unknown) => {
      if (error instanceof ImportEmailTaken) {
        throw new CliError(
          'an address in the file got an account while importing, so nothing was imported; fix: run the command again to see which',
        );
      }
      throw error;
    })
    .finally(progress.stop);
  for (const user of made) {
    await core.audit.record({
      type: 'admin.user.import',
      actor: 'cli',
      details: { userId: user.id, email: user.email, role: user.role, line: user.line },
    });
  }
  return made;
}
