import { hash as argon2Hash, argon2id } from 'argon2';
import { deriveKey } from '../../lib/crypto/derive-key.js';
import type { KdfParams } from './backup-header.js';

/**
 * A passphrase shorter than this is refused when a backup is written: the file may travel far
 * from the server (off-site storage, a colleague's laptop), and only argon2id's cost stands
 * between a copied file and a guessed passphrase.
 */
export const MIN_PASSPHRASE_LENGTH = 12;

/** The key a master-key backup is sealed under: HKDF(master key, `backup`), never the master key itself. */
export function backupKeyFromMasterKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'backup');
}

/** argon2id of the NFKC-normalised passphrase, so the same words typed on another system give the same key. */
export function backupKeyFromPassphrase(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  return argon2Hash(Buffer.from(passphrase.normalize('NFKC'), 'utf8'), {
    raw: true,
    type: argon2id,
    salt,
    hashLength: 32,
    memoryCost: kdf.memoryKiB,
    timeCost: kdf.iterations,
    parallelism: kdf.parallelism,
  });
}
