#!/usr/bin/env node
import { constants } from 'node:os';
import { Command, CommanderError } from 'commander';
import { BULWARK_VERSION } from './app/version.js';
import { type Crash, describeCrash, reportCrash } from './cli/crash.js';
import { CliError, EXIT_USAGE, processOutput } from './cli/output.js';
import { redactText } from './http/redact.js';

/** The only place that exits the process: every command returns its exit code. */
function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('bulwark')
    .description('Secure-by-default backend server')
    .version(BULWARK_VERSION)
    .exitOverride()
    .showHelpAfterError('(run bulwark --help for usage)');

  const withCommon = (command: Command) =>
    command
      .option('--config <file>', 'config file (JSON or YAML)')
      .option('--data <dir>', 'data folder (env BULWARK_DATA_DIR)');

  withCommon(program.command('serve').description('start the server'))
    .option('--host <host>', 'address to listen on (env BULWARK_HOST)')
    .option('--port <port>', 'port to listen on (env BULWARK_PORT)')
    .action(async (flags) => {
      const { runServe } = await import('./cli/serve.js');
      setExit(await runServe(flags, processOutput));
    });

  // Commands load their modules on demand so `--help` and small commands start fast.
  withCommon(program.command('audit').description('check configuration, deployment and dependencies'))
    .option('--json', 'print findings as JSON')
    .option('--advisory-registry <url>', 'registry to ask for dependency advisories')
    .option('--api-key-max-age-days <days>', 'report active API keys older than this as not rotated (default 90)')
    .action(async (flags) => {
      const { runAudit } = await import('./cli/audit.js');
      setExit(await runAudit(flags, processOutput));
    });

  program
    .command('scan')
    .description('black-box scan of a running HTTP backend (any, not only Bulwark); exit 1 on any high finding')
    .argument('<url>', 'the origin (and base path) to scan; requests never leave this origin')
    .option('--json', 'print the report as JSON')
    .option('--sarif', 'print the report as SARIF 2.1.0')
    .option('--max-requests <n>', 'HTTP requests sent at most (default 150)')
    .option('--rate <n>', 'HTTP requests per second at most (default 5)')
    .option('--timeout <seconds>', 'per request and per TLS handshake (default 10)')
    .option('--ca <file>', 'also trust this CA certificate (PEM) when verifying the certificate')
    .option('--check-sign-in <path>', 'opt-in: try failed sign-ins on this path and expect throttling')
    .option('--sign-in-attempts <n>', 'failed sign-ins at most (default 30, at most 100)')
    .option('--sign-in-field <name>', 'JSON field of the account name in the sign-in body (default email)')
    .action(async (url: string, flags) => {
      const { runScanCommand } = await import('./cli/scan.js');
      setExit(await runScanCommand(url, flags, processOutput));
    });

  const admin = program.command('admin').description('administrators');
  withCommon(
    admin.command('create').description('create an administrator; the password is read from a prompt or stdin'),
  )
    .requiredOption('--email <email>', 'email of the new administrator')
    .option('--init', 'create a new installation (data folder, database, master key) if there is none')
    .option('--totp', 'also enrol an authenticator app: prints its otpauth:// URL and recovery codes once')
    .action(async (flags) => {
      const { runAdminCreate } = await import('./cli/admin-create.js');
      setExit(await runAdminCreate(flags, processOutput));
    });

  const sessions = program.command('sessions').description('sign-in sessions');
  withCommon(
    sessions
      .command('revoke')
      .description("end sessions and token families at once: everyone's (--all) or one user's (--user, keys too)"),
  )
    .option('--all', 'every session of every user')
    .option('--user <email>', "one user's sessions, token families and API keys")
    .action(async (flags) => {
      const { runSessionsRevoke } = await import('./cli/sessions-revoke.js');
      setExit(await runSessionsRevoke(flags, processOutput));
    });

  const keys = program.command('keys').description('data keys of encrypted fields, and API keys made on the shell');
  withCommon(
    keys
      .command('rotate')
      .description(
        'make a new data key and re-encrypt every encrypted field under it, beside running servers; resumable',
      ),
  )
    .option('--batch-size <n>', 'values re-encrypted per batch (default 500)')
    .option('--pause-ms <ms>', 'wait between batches, to spare a busy database (default 0)')
    .option('--master', 'replace the master key instead (with BULWARK_MASTER_KEY set, the new key is read from stdin)')
    .action(async (flags) => {
      if (flags.master === true) {
        const { runKeysRotateMaster } = await import('./cli/keys/rotate-master.js');
        setExit(await runKeysRotateMaster(flags, processOutput));
        return;
      }
      const { runKeysRotate } = await import('./cli/keys/rotate.js');
      setExit(await runKeysRotate(flags, processOutput));
    });
  withCommon(keys.command('status').description('data keys, their state and how many values each still holds'))
    .option('--json', 'print as JSON')
    .action(async (flags) => {
      const { runKeysStatus } = await import('./cli/keys/status.js');
      setExit(await runKeysStatus(flags, processOutput));
    });
  const schema = program.command('schema').description('collection definitions as a versioned file (schema as code)');
  withCommon(schema.command('export').description('print every collection definition as one JSON schema file')).action(
    async (flags) => {
      const { runSchemaExport } = await import('./cli/schema/export.js');
      setExit(await runSchemaExport(flags, processOutput));
    },
  );
  withCommon(
    schema
      .command('apply')
      .description(
        'make the collections match a schema file in one transaction, beside running servers; prints the diff',
      ),
  )
    .argument('<file>', 'a schema file, as bulwark schema export writes it')
    .option('--dry-run', 'check and apply, then roll back: print the diff, change nothing')
    .option('--confirm-data-loss', 'allow dropping collections and fields that hold data')
    .action(async (file: string, flags) => {
      const { runSchemaApply } = await import('./cli/schema/apply.js');
      setExit(await runSchemaApply(file, flags, processOutput));
    });
  withCommon(program.command('types').description('write TypeScript types for every collection'))
    .option('--out <file>', 'the file to write (replaced), e.g. bulwark-types.ts; default: standard output')
    .option(
      '--schema <file>',
      'read the definitions from a schema file (bulwark schema export) instead of the database',
    )
    .action(async (flags) => {
      const { runTypes } = await import('./cli/types.js');
      setExit(await runTypes(flags, processOutput));
    });
  withCommon(
    keys
      .command('create')
      .description("an administrator's API key, printed once; it works before its owner has a second factor"),
  )
    .option('--admin', 'an administrator key (the only kind made here; users make theirs with POST /api/keys)')
    .option('--name <name>', 'what the key is for, e.g. ci')
    .option('--expires <span>', 'lifetime in minutes, hours or days: 90m, 12h, 30d (required; at most 90d)')
    .option('--scopes <list>', 'scopes besides admin, separated by commas, e.g. records:read,records:write')
    .option('--owner <email>', 'the administrator the key acts for (default: the only one there is)')
    .option('--json', 'print the key and its record as JSON')
    .action(async (flags) => {
      const { runKeysCreate } = await import('./cli/keys/create.js');
      setExit(await runKeysCreate(flags, processOutput));
    });
  withCommon(keys.command('list').description('every API key of every user (never the key itself)'))
    .option('--json', 'print as JSON')
    .action(async (flags) => {
      const { runKeysList } = await import('./cli/keys/api-keys-list.js');
      setExit(await runKeysList(flags, processOutput));
    });
  withCommon(keys.command('revoke').description('revoke one API key at once, whoever owns it'))
    .argument('<id>', 'the key id, from bulwark keys list')
    .action(async (id: string, flags) => {
      const { runKeysRevoke } = await import('./cli/keys/api-keys-revoke.js');
      setExit(await runKeysRevoke(id, flags, processOutput));
    });
  const users = program.command('users').description('user accounts');
  withCommon(
    users
      .command('import')
      .description('make accounts from a JSON-lines file (email, name, role); each gets a set-password link by mail'),
  )
    .argument('<file>', 'one JSON object per line: {"email": …, "name": …, "role": "user" | "admin"}')
    .option('--no-mail', 'mail no links (the users set a password through "forgot password" later)')
    .action(async (file: string, flags) => {
      const { runUsersImport } = await import('./cli/users-import.js');
      setExit(await runUsersImport(file, flags, processOutput));
    });
  withCommon(
    users
      .command('invite')
      .description('mail existing accounts a fresh set-password link (72 h), as users import does'),
  )
    .argument('<address...>', "the accounts' email addresses")
    .action(async (addresses: string[], flags) => {
      const { runUsersInvite } = await import('./cli/users-invite.js');
      setExit(await runUsersInvite(addresses, flags, processOutput));
    });
  withCommon(
    program
      .command('backup')
      .description('write an encrypted backup of the database, files and audit checkpoint while the server runs'),
  )
    .argument('[file]', 'the new backup file (created with mode 0600, never overwritten)')
    .option('--out <file>', 'the new backup file, as an option')
    .option('--passphrase', 'seal with a passphrase typed twice on the terminal (the master key is sealed inside)')
    .option('--passphrase-stdin', 'seal with a passphrase read from the first line of standard input')
    .action(async (file: string | undefined, flags) => {
      const { runBackup } = await import('./cli/backup.js');
      setExit(await runBackup(file, flags, processOutput));
    });
  withCommon(
    program
      .command('restore')
      .description('verify a backup completely, then replace the data with it (the server must be stopped)'),
  )
    .argument('<file>', 'a file written by bulwark backup')
    .option('--passphrase-stdin', 'read the passphrase from the first line of standard input instead of a prompt')
    .option('--replace', 'replace existing data (without it, restore only into an empty data folder and database)')
    .action(async (file: string, flags) => {
      const { runRestore } = await import('./cli/restore.js');
      setExit(await runRestore(file, flags, processOutput));
    });

  const log = program.command('log').description('audit log tools');
  withCommon(log.command('verify').description('verify the hash chain of the audit log'))
    .option('--against <file>', "also check a shipped copy (the syslog receiver's file) against the chain")
    .action(async (flags) => {
      const { runLogVerify } = await import('./cli/log-verify.js');
      setExit(await runLogVerify(flags, processOutput));
    });
  withCommon(log.command('export').description('export audit entries of a time range as JSON lines'))
    .requiredOption('--since <when>', 'ISO-8601 instant, or a span back from now: 90m, 24h, 7d')
    .option('--until <when>', 'end of the range, same forms (default: none)')
    .option('--format <format>', 'output format: jsonl', 'jsonl')
    .option('--output <file>', 'write to a new file (mode 0600) instead of standard output')
    .action(async (flags) => {
      const { runLogExport } = await import('./cli/log-export.js');
      setExit(await runLogExport(flags, { stdout: process.stdout, stderr: process.stderr }));
    });
  return program;
}

/**
 * Signals whose default action ends the process at once, without `exit` handlers: the log
 * lines still buffered would be lost. SIGTERM and SIGINT are not here: `serve` drains on them.
 */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP'];

/**
 * The crash path: whatever kills the process, the running command first writes what it must
 * (reportCrash), then the terminal gets one line with the cause, and the process exits with
 * the code Node or the shell would have given (1, or 128 + the signal's number).
 */
function installCrashHandlers(): void {
  const crash = (event: Crash, exitCode: number) => {
    reportCrash(event);
    // Redacted like the log: an error message may quote a token.
    processOutput.error(`bulwark: ${redactText(describeCrash(event))}`);
    processOutput.error('bulwark: fix: restart it; if this repeats, report the lines above and the server log');
    process.exit(exitCode);
  };
  // Node raises an unhandled rejection as an uncaught exception with that origin.
  process.on('uncaughtException', (error, origin) => crash({ kind: 'exception', error, origin }, 1));
  for (const signal of FATAL_SIGNALS) {
    process.on(signal, () => crash({ kind: 'signal', signal }, 128 + constants.signals[signal]));
  }
}

async function main(): Promise<void> {
  let exitCode = 0;
  installCrashHandlers();
  // A command whose work stops waiting on something that can never happen would otherwise
  // end with exit 0 once Node has nothing left to do: never let that pass for success.
  process.once('beforeExit', () => {
    processOutput.error(
      'bulwark: the command stopped before it finished; fix: run again with BULWARK_LOG_LEVEL=debug and report it',
    );
    process.exit(1);
  });
  try {
    await buildProgram((code) => {
      exitCode = code;
    }).parseAsync(process.argv);
  } catch (error) {
    exitCode = reportError(error);
  }
  process.exit(exitCode);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version output are not errors; commander already printed its message.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof CliError) {
    processOutput.error(`bulwark: ${error.message}`);
    return error.exitCode;
  }
  processOutput.error('bulwark: unexpected failure; fix: run again with BULWARK_LOG_LEVEL=debug and report the log');
  if (process.env.BULWARK_LOG_LEVEL === 'debug') processOutput.error(String((error as Error)?.stack ?? error));
  return 1;
}

void main();
