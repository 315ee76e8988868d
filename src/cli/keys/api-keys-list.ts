import { withInstalledCore } from '../installed-core.js';
import type { CommonFlags } from '../load-cli-config.js';
import { formatTable, type Output } from '../output.js';

export interface KeysListFlags extends CommonFlags {
  json?: boolean;
}

/**
 * `bulwark keys list`: every API key of every user (never the keys themselves), newest first,
 * with its owner, state and whether it was made on the shell, so an operator can find the key
 * to revoke even while its owner cannot sign in.
 */
export async function runKeysList(flags: KeysListFlags, out: Output): Promise<number> {
  return withInstalledCore(flags, async (core) => {
    const keys = await core.auth.apiKeys.listAll();
    if (flags.json === true) {
      out.line(JSON.stringify({ items: keys }, null, 2));
      return 0;
    }
    if (keys.length === 0) {
      out.line('no API keys');
      return 0;
    }
    const nowMs = Date.now();
    const state = (key: (typeof keys)[number]) => {
      if (key.revoked) return 'revoked';
      return Date.parse(key.expires) <= nowMs ? 'expired' : 'live';
    };
    out.line(
      formatTable(
        ['id', 'name', 'owner', 'prefix', 'scopes', 'expires', 'state', 'made on'],
        keys.map((key) => [
          key.id,
          key.name,
          key.owner,
          key.prefix,
          key.scopes.join(','),
          key.expires,
          state(key),
          key.madeFromShell ? 'shell' : 'http',
        ]),
      ),
    );
    return 0;
  });
}
