import { withInstalledCore } from '../installed-core.js';
import type { CommonFlags } from '../load-cli-config.js';
import { CliError, type Output } from '../output.js';

/**
 * `bulwark keys revoke ID`: revokes one API key, whoever owns it, at once on every instance
 * (each request reads its key from the database); audited with actor `cli`. Revoking a revoked
 * key changes nothing and says so.
 */
export async function runKeysRevoke(id: string, flags: CommonFlags, out: Output): Promise<number> {
  return withInstalledCore(flags, async (core) => {
    const row = await core.auth.apiKeys.revokeAny(id);
    if (!row) throw new CliError(`no API key with id ${id}; fix: find its id with bulwark keys list`);
    if (row.revoked_ms !== null) {
      out.line(`API key ${id} ("${row.name}" of ${row.email}) was already revoked`);
      return 0;
    }
    await core.audit.record({
      type: 'admin.apikey.revoke',
      actor: 'cli',
      details: { keyId: id, userId: row.user_id, email: row.email },
    });
    out.line(`revoked API key ${id} ("${row.name}" of ${row.email})`);
    return 0;
  });
}
