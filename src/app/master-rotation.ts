import { type Database, writeTransaction } from '../db/index.js';
import { CHECK_NAME, keyCheckValue, RETIRED_CHECK_NAME } from './key-check.js';
import { wrapRoot } from './root-key.js';

/** Another process replaced the master key between our check and our write. */
export class MasterKeyChangedMeanwhile extends Error {}

/**
 * Moves the database from `oldMaster` to `newMaster` in one transaction: the root is wrapped
 * under the new key as the next version, older versions are deleted (nothing needs them: the
 * root they wrapped is the same), the key check moves to the new key, and the old key's check
 * is kept so a start with it is told the key was replaced. Derived keys do not change, so
 * running servers, sessions, the audit chain and every sealed value are unaffected.
 */
export async function replaceMasterKey(
  database: Database,
  keys: { root: Buffer; oldMaster: Buffer; newMaster: Buffer },
  nowMs: number,
): Promise<number> {
  return writeTransaction(database, async (trx) => {
    const newest = await trx
      .selectFrom('master_key_versions')
      .select('version')
      .orderBy('version', 'desc')
      .executeTakeFirst();
    const version = Number(newest?.version ?? 1) + 1;
    // Conditional on the check still being the old key's: two rotations at once, one wins.
    const moved = await trx
      .updateTable('key_check')
      .set({ mac: keyCheckValue(keys.newMaster), created_ms: nowMs })
      .where('name', '=', CHECK_NAME)
      .where('mac', '=', keyCheckValue(keys.oldMaster))
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new MasterKeyChangedMeanwhile();
    await trx
      .insertInto('master_key_versions')
      .values({ version, wrapped_root: wrapRoot(keys.root, keys.newMaster, version), created_ms: nowMs })
      .execute();
    await trx.deleteFrom('master_key_versions').where('version', '<', version).execute();
    const retired = { mac: keyCheckValue(keys.oldMaster), created_ms: nowMs };
    await trx
      .insertInto('key_check')
      .values({ name: RETIRED_CHECK_NAME, ...retired })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(retired))
      .execute();
    return version;
  });
}
