import { type Core, openCore, StartRefusedError } from '../app/open-core.js';
import { refusalLines } from '../app/start-refused.js';
import { isUniqueViolation } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { createPasswordPolicyCheck, normaliseEmail } from '../features/identity/index.js';
import { checkAccountFields } from './account-fields.js';
import { describeDatabase, findMissingInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS, type Output } from './output.js';
import { readFirstLineFromStdin, readPasswordFromTerminal } from './read-password.js';

export interface AdminCreateFlags extends CommonFlags {
  email: string;
  /** Create a new installation (data folder, database, master key) when there is none. */
  init?: boolean;
  /** Also enrol an authenticator app and print its URL and recovery codes once. */
  totp?: boolean;
}

const EMAIL_FIX = "fix: pass the administrator's whole address, e.g. --email ops@example.com";
const PASSWORD_FIX = 'fix: run the command again with a longer passphrase of unrelated words';

/**
 * `bulwark admin create --email E [--init] [--totp]`: asks for the password twice on a terminal, or
 * reads it once from piped standard input. The email and password pass exactly what the API's
 * set-up and sign-up pass (the routes' schemas, then the password policy), so the administrator
 * can sign in. Without `--init` it works only on an existing installation, so a mistyped
 * `--data` is refused instead of becoming a new folder, database and key; it always says which
 * data folder it used. With `--totp` it also enrols an authenticator app (the shell is the
 * owner's proof, so no first code is asked for) and prints its otpauth:// URL and ten recovery
 * codes once: a script can then sign in with a computed code, and a person scans the URL.
 */
export async function runAdminCreate(flags: AdminCreateFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  // The email first: a mistyped address is refused before anyone types a password.
  refuseField(checkAccountFields({ email: flags.email }));
  const missing = await findMissingInstallation(config);
  if (missing !== null && flags.init !== true) {
    throw new CliError(`${missing}, or --init to create a new installation in ${config.dataDir}`);
  }
  const password = await readPassword();
  refuseField(checkAccountFields({ email: flags.email, password }));
  // Checked before the data folder is touched, so a refused password leaves nothing behind.
  const weak = await createPasswordPolicyCheck(config)(password, normaliseEmail(flags.email));
  if (weak) throw new CliError(`password not accepted: ${weak.message}; ${PASSWORD_FIX}`);

  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) {
      throw new CliError(refusalLines(error), EXIT_FINDINGS);
    }
    throw error;
  });
  try {
    if (await core.auth.accounts.findByEmail(flags.email)) throw takenError(flags.email);
    const { user, totp } =
      flags.totp === true
        ? await createWithTotp(core, flags.email, password)
        : { user: await core.auth.accounts.createAdmin(flags.email, password), totp: null };
    await core.audit.record({
      type: 'admin.create',
      actor: 'cli:admin-create',
      details: { userId: user.id, email: user.email, totp: totp !== null },
    });
    out.line(`administrator ${user.email} created (id ${user.id})`);
    const created = missing === null ? '' : ' (new installation)';
    const database = config.database.url ? `; database ${describeDatabase(config)}` : '';
    out.line(`data folder ${config.dataDir}${database}${created}`);
    if (totp) printTotp(totp, out);
    return 0;
  } finally {
    await core.close();
  }
}

/**
 * The administrator and its authenticator app in one transaction: when the enrolment fails, the
 * account is rolled back with it, so the command never leaves an administrator without the
 * factor `--totp` promised.
 */
async function createWithTotp(core: Core, email: string, password: string) {
  try {
    const { user, alongside } = await core.auth.createAdminWithTotp(email, password);
    return { user, totp: alongside };
  } catch (error) {
    // The password policy's refusal was checked before; anything else is the database's.
    if (error instanceof AppError) throw error;
    if (isUniqueViolation(error)) throw takenError(email);
    throw new CliError(
      `administrator ${normaliseEmail(email)} not created: enrolling its authenticator app failed, and nothing was kept; fix: check that the database accepts writes (see the server's log), then run the command again`,
      EXIT_FINDINGS,
    );
  }
}

/** Shown once: nothing can show the secret or the recovery codes again. */
function printTotp(totp: { secret: string; otpauthUrl: string; recoveryCodes: string[] }, out: Output): void {
  out.line('authenticator app enrolled; add it now (this is shown once):');
  out.line(`otpauth URL: ${totp.otpauthUrl}`);
  out.line(`secret: ${totp.secret}`);
  out.line('recovery codes (each works once; keep them apart from the password):');
  for (const code of totp.recoveryCodes) out.line(code);
}

const takenError = (email: string) =>
  new CliError(`an account with email ${normaliseEmail(email)} already exists; fix: choose another email`);

function refuseField(refusal: ReturnType<typeof checkAccountFields>): void {
  if (refusal === null) return;
  if (refusal.field === 'email') throw new CliError(`email not accepted: ${refusal.message}; ${EMAIL_FIX}`);
  throw new CliError(`password not accepted: ${refusal.message}; ${PASSWORD_FIX}`);
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
