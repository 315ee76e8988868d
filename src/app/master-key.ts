import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASTER_KEY_FILE } from '../config/index.js';
import { appError } from '../errors/index.js';
import { decodeMasterKey, isStrongMasterKey, MIN_MASTER_KEY_BYTES } from '../lib/crypto/master-key.js';

/**
 * Creates `<dataDir>/master.key` with 32 random bytes and mode 0600 (`wx` so two starts never
 * overwrite each other's key). Only for data that has never had a key: see unlockMasterKey.
 */
export function createMasterKey(dataDir: string): Buffer {
  const key = randomBytes(MIN_MASTER_KEY_BYTES);
  writeFileSync(masterKeyPath(dataDir), `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The master key from BULWARK_MASTER_KEY or `<dataDir>/master.key`; null when neither exists. */
export function loadMasterKey(dataDir: string, fromConfig: string | undefined): Buffer | null {
  if (fromConfig !== undefined) return requireStrong(decodeMasterKey(fromConfig), 'BULWARK_MASTER_KEY');
  const path = masterKeyPath(dataDir);
  try {
    return requireStrong(decodeMasterKey(readFileSync(path, 'utf8')), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Where the key in use comes from, as an operator would look for it. */
export function masterKeySource(dataDir: string, fromConfig: string | undefined): string {
  return fromConfig === undefined ? masterKeyPath(dataDir) : 'BULWARK_MASTER_KEY';
}

/** The key file that BULWARK_MASTER_KEY overrides, if there is one: worth a line in the log. */
export function overriddenKeyFile(dataDir: string, fromConfig: string | undefined): string | null {
  const path = masterKeyPath(dataDir);
  return fromConfig !== undefined && existsSync(path) ? path : null;
}

export function masterKeyPath(dataDir: string): string {
  return join(dataDir, MASTER_KEY_FILE);
}

/** Where `keys rotate --master` writes the new key before the database moves to it. */
export function pendingMasterKeyPath(dataDir: string): string {
  return `${masterKeyPath(dataDir)}.new`;
}

/**
 * Writes a new master key beside the current one (mode 0600, `wx`: an earlier rotation's file
 * is never overwritten) and flushes it to disk, so the key exists before the database needs it.
 */
export function writePendingMasterKey(dataDir: string, key: Buffer): void {
  const path = pendingMasterKeyPath(dataDir);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  syncPath(path);
}

/** Puts the pending key in place of the key file in one rename, and flushes the folder entry. */
export function commitPendingMasterKey(dataDir: string): void {
  renameSync(pendingMasterKeyPath(dataDir), masterKeyPath(dataDir));
  syncPath(dataDir);
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function requireStrong(key: Buffer | null, source: string): Buffer {
  if (!key || !isStrongMasterKey(key)) {
    throw appError('CFG_WEAK_MASTER_KEY', {
      detail: `${source} does not hold a strong key; fix: generate one with \`openssl rand -base64 32\``,
      expose: false,
    });
  }
  return key;
}
