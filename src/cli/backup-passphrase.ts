import { MIN_PASSPHRASE_LENGTH } from '../features/backup/index.js';
import { CliError } from './output.js';
import { readFirstLineFromStdin, readPasswordFromTerminal } from './read-password.js';

export interface PassphraseFlags {
  passphrase?: boolean;
  passphraseStdin?: boolean;
}

/**
 * The passphrase to seal a new backup with, or undefined for master-key mode. Typed twice on a
 * terminal (a typo would make the backup unopenable), or the first line of standard input;
 * never from argv, where `ps` and shell history would keep it.
 */
export async function readNewPassphrase(flags: PassphraseFlags): Promise<string | undefined> {
  if (flags.passphraseStdin) return requireLength(await readFirstLineFromStdin());
  if (!flags.passphrase) return undefined;
  if (!process.stdin.isTTY) {
    throw new CliError('--passphrase asks on a terminal and this is not one; fix: pipe it with --passphrase-stdin');
  }
  const first = requireLength(await readPasswordFromTerminal('Backup passphrase: '));
  const second = await readPasswordFromTerminal('Same passphrase again: ');
  if (first !== second)
    throw new CliError('the two passphrases differ; fix: run the backup again and type the same one twice');
  return first;
}

/** The passphrase that opens a passphrase backup: from standard input when asked, else a prompt. */
export async function readExistingPassphrase(flags: PassphraseFlags): Promise<string> {
  if (flags.passphraseStdin) return readFirstLineFromStdin();
  if (!process.stdin.isTTY) {
    throw new CliError(
      'this backup is sealed with a passphrase; fix: give it with --passphrase-stdin, or run on a terminal to be asked',
    );
  }
  return readPasswordFromTerminal('Backup passphrase: ');
}

function requireLength(passphrase: string): string {
  if ([...passphrase].length >= MIN_PASSPHRASE_LENGTH) return passphrase;
  throw new CliError(
    `the passphrase is shorter than ${MIN_PASSPHRASE_LENGTH} characters; fix: choose a longer one (several words are easy to type and hard to guess)`,
  );
}
