import type { Core } from '../../app/open-core.js';
import type { UsersTable } from '../../db/index.js';
import { API_KEY_SCOPES } from '../../features/api-keys/index.js';
import { normaliseEmail } from '../../features/identity/index.js';
import { withInstalledCore } from '../installed-core.js';
import type { CommonFlags } from '../load-cli-config.js';
import { parseSpanMs } from '../log-export.js';
import { CliError, type Output } from '../output.js';

export interface KeysCreateFlags extends CommonFlags {
  admin?: boolean;
  name?: string;
  owner?: string;
  scopes?: string;
  expires?: string;
  json?: boolean;
}

/**
 * Longest life of a key made on the shell, below `auth.apiKeyMaxLifetimeDays` when that is
 * longer: such a key skips its owner's second factor, so a forgotten one must die on its own
 * within a quarter; a pipeline makes a new one as easily.
 */
export const SHELL_KEY_MAX_DAYS = 90;
/** As `POST /api/keys` allows. */
const MAX_NAME_LENGTH = 100;

/**
 * `bulwark keys create --admin --name N --expires 30d [--scopes …] [--owner E]`: an
 * administrator's API key made on the server's shell, printed once on standard output (alone,
 * so `KEY=$(bulwark keys create …)` works), audited with actor `cli`. It works while its owner
 * has no second factor yet (see features/sessions/authenticate.ts); everything else is as for any
 * key: it carries only its scopes (`admin` always among them), expires, and is revoked by
 * `bulwark keys revoke`, `DELETE /api/keys/:id` or by disabling its owner.
 */
export async function runKeysCreate(flags: KeysCreateFlags, out: Output): Promise<number> {
  if (flags.admin !== true) {
    throw new CliError(
      'bulwark keys create makes administrator keys only; fix: add --admin (users create their own keys with POST /api/keys)',
    );
  }
  const name = checkName(flags.name);
  const scopes = parseScopes(flags.scopes);
  return withInstalledCore(flags, async (core) => {
    const expiresInSeconds = parseExpiry(flags.expires, core.config.auth.apiKeyMaxLifetimeDays);
    const owner = await findOwner(core, flags.owner);
    const created = await core.auth.apiKeys.createFromShell(owner.id, { name, scopes, expiresInSeconds });
    const { record } = created;
    await core.audit.record({
      type: 'admin.apikey.create',
      actor: 'cli',
      details: {
        keyId: record.id,
        userId: owner.id,
        email: owner.email,
        name,
        scopes: record.scopes,
        expires: record.expires,
      },
    });
    if (flags.json === true) {
      out.line(JSON.stringify({ key: created.key, apiKey: { ...record, owner: owner.email } }, null, 2));
      return 0;
    }
    out.line(created.key);
    out.error(
      `administrator API key "${name}" (id ${record.id}) of ${owner.email}, scopes ${record.scopes.join(' ')}, expires ${record.expires}; it is shown once: store it now`,
    );
    return 0;
  });
}

function checkName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(trimmed)) {
    throw new CliError(
      `--name must be 1 to ${MAX_NAME_LENGTH} printable characters; fix: name the key after its user, e.g. --name ci`,
    );
  }
  return trimmed;
}

/** `admin` is always there (the key is an administrator's); the others only when asked for. */
export function parseScopes(text: string | undefined): string[] {
  const asked = (text ?? 'admin')
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  const unknown = asked.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    throw new CliError(
      `unknown scope ${unknown.map((scope) => `"${scope}"`).join(', ')}; fix: choose from ${API_KEY_SCOPES.join(', ')}, separated by commas`,
    );
  }
  return [...new Set(['admin', ...asked])].sort();
}

/** Seconds from `--expires` (`90m`, `12h`, `30d`): required, at least a minute, at most the cap. */
export function parseExpiry(text: string | undefined, configMaxDays: number): number {
  const maxDays = Math.min(SHELL_KEY_MAX_DAYS, configMaxDays);
  const fix = `fix: pass --expires with minutes, hours or days up to ${maxDays}d, e.g. --expires 30d`;
  if (text === undefined) throw new CliError(`--expires is required: every key expires; ${fix}`);
  const spanMs = parseSpanMs(text.trim());
  if (spanMs === null || spanMs < 60_000) throw new CliError(`--expires "${text}" is not a span of time; ${fix}`);
  if (spanMs > maxDays * 86_400_000) {
    throw new CliError(`--expires ${text} is longer than the ${maxDays} days a key made on the shell may live; ${fix}`);
  }
  return spanMs / 1000;
}

/** The administrator the key acts for: `--owner`, or the only administrator there is. */
async function findOwner(core: Core, ownerFlag: string | undefined): Promise<UsersTable> {
  if (ownerFlag !== undefined) {
    const email = normaliseEmail(ownerFlag);
    const user = await core.auth.accounts.users.findByEmail(email);
    if (user?.role !== 'admin' || user.disabled === 1) {
      throw new CliError(
        `${email} is not an active administrator; fix: pass the email of one, or make one with bulwark admin create`,
      );
    }
    return user;
  }
  const admins = await core.auth.accounts.users.listActiveAdmins();
  const [only] = admins;
  if (only && admins.length === 1) return only;
  if (admins.length === 0) {
    throw new CliError(
      'there is no administrator to own the key; fix: make one first with bulwark admin create --email E',
    );
  }
  throw new CliError(`there are ${admins.length} administrators; fix: name the key's owner with --owner EMAIL`);
}
