import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASTER_KEY_FILE } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { decodeMasterKey, isStrongMasterKey, MIN_MASTER_KEY_BYTES } from '../lib/crypto/master-key.js';

/**
 * The master key comes from BULWARK_MASTER_KEY or from `<dataDir>/master.key`, created once
 * with 32 random bytes and mode 0600 (`wx` so two starts never overwrite each other's key).
 */
export function loadOrCreateMasterKey(dataDir: string, fromConfig: string | undefined): Buffer {
  const existing = loadMasterKey(dataDir, fromConfig);
  if (existing) return existing;
  const path = join(dataDir, MASTER_KEY_FILE);
  const key = randomBytes(MIN_MASTER_KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The master key from BULWARK_MASTER_KEY or `<dataDir>/master.key`; null when neither exists. */
export function loadMasterKey(dataDir: string, fromConfig: string | undefined): Buffer | null {
  if (fromConfig !== undefined) return requireStrong(decodeMasterKey(fromConfig), 'BULWARK_MASTER_KEY');
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    return requireStrong(decodeMasterKey(readFileSync(path, 'utf8')), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function requireStrong(key: Buffer | null, source: string): Buffer {
  if (!key || !isStrongMasterKey(key)) {
    throw new AppError('CFG_WEAK_MASTER_KEY', {
      status: 500,
      detail: `${source} does not hold a strong key; fix: generate one with \`openssl rand -base64 32\``,
      expose: false,
    });
  }
  return key;
}
