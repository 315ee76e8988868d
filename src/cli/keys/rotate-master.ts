import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import {
  commitPendingMasterKey,
  loadMasterKey,
  masterKeyPath,
  pendingMasterKeyPath,
  writePendingMasterKey,
} from '../../app/master-key.js';
import { MasterKeyChangedMeanwhile, replaceMasterKey } from '../../app/master-rotation.js';
import { openCore, StartRefusedError } from '../../app/open-core.js';
import { unwrapRoot } from '../../app/root-key.js';
import { refusalLines } from '../../app/start-refused.js';
import { decodeMasterKey, isStrongMasterKey } from '../../lib/crypto/master-key.js';
import { requireInstallation } from '../installation.js';
import { type CommonFlags, loadCliConfig } from '../load-cli-config.js';
import { CliError, EXIT_FINDINGS, type Output } from '../output.js';
import { readFirstLineFromStdin } from '../read-password.js';

/**
 * `bulwark keys rotate --master`: a new master key unlocks the same root secret, so every
 * derived key stays as it is and running servers go on. With the key file, the new key is
 * written beside it first (`master.key.new`, 0600), the database moves to it, then the file is
 * renamed over `master.key`. With BULWARK_MASTER_KEY, the operator stores the new key first and
 * pipes it in; the command never prints a key.
 */
export async function runKeysRotateMaster(flags: CommonFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const fromEnv = config.masterKey !== undefined;
  const newMaster = fromEnv ? await readNewKey() : randomBytes(32);
  if (!fromEnv && existsSync(pendingMasterKeyPath(config.dataDir))) throw pendingLeftOver(config.dataDir);
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) throw new CliError(refusalLines(error), EXIT_FINDINGS);
    throw error;
  });
  try {
    const oldMaster = loadMasterKey(config.dataDir, config.masterKey) as Buffer;
    if (newMaster.equals(oldMaster)) {
      throw new CliError('the new master key is the one in use; fix: pipe a new one from `openssl rand -base64 32`');
    }
    // openCore unlocked it with this key, so the root opens.
    const root = (await unwrapRoot(core.database, oldMaster)) as Buffer;
    if (!fromEnv) writePendingMasterKey(config.dataDir, newMaster);
    const version = await replaceMasterKey(core.database, { root, oldMaster, newMaster }, Date.now()).catch(
      (error: unknown) => {
        if (!fromEnv) rmSync(pendingMasterKeyPath(config.dataDir), { force: true });
        if (error instanceof MasterKeyChangedMeanwhile) {
          throw new CliError('the master key was replaced by another run meanwhile; fix: use the key that run wrote');
        }
        throw error;
      },
    );
    if (!fromEnv) commitPendingMasterKey(config.dataDir);
    const keySource = fromEnv ? 'BULWARK_MASTER_KEY' : masterKeyPath(config.dataDir);
    await core.audit.record({ type: 'keys.master.rotated', actor: 'cli', details: { version, keySource } });
    out.line(
      fromEnv
        ? `master key replaced (version ${version}): set BULWARK_MASTER_KEY to the new key on every instance before its next start`
        : `master key replaced (version ${version}): ${keySource} holds the new key`,
    );
    return 0;
  } finally {
    await core.close();
  }
}

/** With BULWARK_MASTER_KEY, the new key comes from standard input: stored by the operator first, never printed. */
async function readNewKey(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    throw new CliError(
      'BULWARK_MASTER_KEY is set, so the new key must be piped in; fix: generate one (`openssl rand -base64 32`), store it where BULWARK_MASTER_KEY comes from, and pipe it to this command',
    );
  }
  const key = decodeMasterKey(await readFirstLineFromStdin());
  if (!key || !isStrongMasterKey(key)) {
    throw new CliError(
      'the new master key on standard input is not a strong key (32 random bytes, base64 or hex); fix: pipe one from `openssl rand -base64 32`',
    );
  }
  return key;
}

function pendingLeftOver(dataDir: string): CliError {
  return new CliError(
    `${pendingMasterKeyPath(dataDir)} exists from an earlier master-key rotation; fix: if the server starts with ${masterKeyPath(dataDir)}, delete the .new file; if it is refused as replaced, move the .new file to ${masterKeyPath(dataDir)}`,
  );
}
