import { masterKeyVersion } from '../../app/root-key.js';
import { type DataKeyUsage, dataKeyUsage } from '../../features/collections/index.js';
import type { CommonFlags } from '../load-cli-config.js';
import { counted, formatTable, type Output } from '../output.js';
import { withKeyRotation } from './open-keys.js';

export interface KeysStatusFlags extends CommonFlags {
  json?: boolean;
}

/**
 * `bulwark keys status`: the master key's version, every data key of encrypted fields (id,
 * state, dates; never key material) and how many stored values each still holds, and whether
 * a rotation is unfinished.
 */
export async function runKeysStatus(flags: KeysStatusFlags, out: Output): Promise<number> {
  return withKeyRotation(flags, async (_rotation, core) => {
    const keys = await dataKeyUsage(core.database.db);
    const master = await masterKeyVersion(core.database);
    if (flags.json) {
      out.line(JSON.stringify({ masterKeyVersion: master, dataKeys: keys.map(describe) }, null, 2));
      return 0;
    }
    out.line(`master key version ${master}`);
    if (keys.length === 0) {
      out.line('no data keys yet: one is made when the first encrypted value is written');
      return 0;
    }
    out.line(
      formatTable(
        ['data key', 'state', 'created', 'retired', 'values'],
        keys.map((key) => {
          const row = describe(key);
          return [row.id, row.state, row.created, row.retired ?? '', String(row.values)];
        }),
      ),
    );
    const left = keys.filter((key) => key.retiredMs !== null);
    if (left.length > 0) {
      const values = left.reduce((sum, key) => sum + key.values, 0);
      out.line(
        `a rotation is unfinished: ${counted(values, 'value')} under ${counted(left.length, 'retired key')}; run bulwark keys rotate to finish it`,
      );
    }
    return 0;
  });
}

function describe(key: DataKeyUsage) {
  return {
    id: key.id,
    state: key.retiredMs === null ? 'active' : 'retired',
    created: new Date(key.createdMs).toISOString(),
    retired: key.retiredMs === null ? null : new Date(key.retiredMs).toISOString(),
    values: key.values,
  };
}
