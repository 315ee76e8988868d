import type { Core } from '../../app/open-core.js';
import { type ReencryptResult, SWITCH_GRACE_MS } from '../../features/collections/index.js';
import type { CommonFlags } from '../load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from '../output.js';
import { startProgress } from '../progress.js';
import { integerFlag, type KeyRotation, withKeyRotation } from './open-keys.js';

export interface KeysRotateFlags extends CommonFlags {
  batchSize?: string;
  pauseMs?: string;
}

/** Most values named in the error output; the rest are counted. */
const MAX_LISTED = 20;

/**
 * `bulwark keys rotate`: a new data key for encrypted fields, active at once for every running
 * server; then every value under a retired key is re-encrypted under it (progress bar on a
 * terminal) and the retired keys nothing names any more are deleted. A run that stopped
 * (Ctrl-C, a crash, a lost connection) leaves retired keys that values still name: the next
 * run resumes it instead of making another key.
 */
export async function runKeysRotate(flags: KeysRotateFlags, out: Output): Promise<number> {
  const batchSize = integerFlag(flags.batchSize, '--batch-size', 500, 1, 10_000);
  const pauseMs = integerFlag(flags.pauseMs, '--pause-ms', 0, 0, 60_000);
  return withKeyRotation(flags, async (rotation, core) => {
    const { keyId, resumed } = await startOrResume(rotation);
    const retired = await rotation.retiredKeys();
    const retiredIds = retired.map((key) => key.id);
    const values = await rotation.valuesUnder(retiredIds);
    await core.audit.record({
      type: 'keys.rotation.started',
      actor: 'cli',
      details: { keyId, retiredKeys: retiredIds, values, resumed },
    });
    if (out.isTty) {
      out.error(
        resumed
          ? `resuming the rotation to data key ${keyId}`
          : `data key ${keyId} is active; waiting ${SWITCH_GRACE_MS / 1000} s for running servers to switch to it`,
      );
    }
    const newestRetirement = Math.max(0, ...retired.map((key) => key.retiredMs));
    await rotation.waitForServersToSwitch(newestRetirement);
    const progress = startProgress('re-encrypting', 'values');
    progress.setTotal(values);
    const result = await rotation
      .reencrypt(retiredIds, { batchSize, pauseMs, onValues: progress.advance })
      .finally(progress.stop);
    const deleted = await rotation.deleteUnusedRetiredKeys();
    const kept = retiredIds.filter((id) => !deleted.includes(id));
    await auditOutcome(core, keyId, result, deleted, kept);
    if (kept.length > 0) throw keptKeys(kept, result, out);
    out.line(
      `data key ${keyId} is active: re-encrypted ${counted(result.reencrypted, 'value')}, deleted ${counted(deleted.length, 'retired key')}`,
    );
    return 0;
  });
}

/** A new key, unless an earlier rotation left retired keys behind: then that one is finished. */
async function startOrResume(rotation: KeyRotation): Promise<{ keyId: string; resumed: boolean }> {
  if ((await rotation.retiredKeys()).length > 0) return { keyId: await rotation.activeKeyId(), resumed: true };
  return { keyId: (await rotation.activateNewKey()).id, resumed: false };
}

function auditOutcome(core: Core, keyId: string, result: ReencryptResult, deleted: string[], kept: string[]) {
  return core.audit.record({
    type: kept.length === 0 ? 'keys.rotation.completed' : 'keys.rotation.incomplete',
    actor: 'cli',
    details: {
      keyId,
      reencrypted: result.reencrypted,
      changedMeanwhile: result.changedMeanwhile,
      unreadable: result.unreadable.length,
      keysDeleted: deleted,
      keysKept: kept,
    },
  });
}

/** Retired keys still named by values: unreadable ones are listed, and the key stays until they are dealt with. */
function keptKeys(kept: string[], result: ReencryptResult, out: Output): CliError {
  const { unreadable } = result;
  for (const value of unreadable.slice(0, MAX_LISTED)) {
    out.error(`does not decrypt: ${value.collection} record ${value.recordId} field ${value.field}`);
  }
  if (unreadable.length > MAX_LISTED) out.error(`… and ${unreadable.length - MAX_LISTED} more`);
  const keys = `retired data key${kept.length === 1 ? '' : 's'} ${kept.join(', ')}`;
  if (unreadable.length === 0) {
    return new CliError(
      `values written meanwhile still name ${keys}, which is kept; fix: run bulwark keys rotate again to finish`,
      EXIT_FINDINGS,
    );
  }
  return new CliError(
    `${counted(unreadable.length, 'value')} under ${keys} ${unreadable.length === 1 ? 'does' : 'do'} not decrypt (tampered with, or moved from another record), so the key is kept; fix: restore those values from a backup or clear them, then run bulwark keys rotate again`,
    EXIT_FINDINGS,
  );
}
