import type { Core } from '../../app/open-core.js';
import { createKeyRotation } from '../../features/collections/index.js';
import { withInstalledCore } from '../installed-core.js';
import type { CommonFlags } from '../load-cli-config.js';
import { CliError } from '../output.js';

export type KeyRotation = ReturnType<typeof createKeyRotation>;

/**
 * Opens an existing installation beside its running servers (no data-folder lock), with the
 * same deployment checks and master-key check as `serve`, and runs `work` with its key rotation.
 */
export function withKeyRotation<T>(
  flags: CommonFlags,
  work: (rotation: KeyRotation, core: Core) => Promise<T>,
): Promise<T> {
  return withInstalledCore(flags, (core) =>
    work(createKeyRotation({ db: core.database.db, dataEncryptionKey: core.deriveKey('data-encryption') }), core),
  );
}

/** A whole number from a flag, within bounds; otherwise a usage error naming the flag. */
export function integerFlag(text: string | undefined, flag: string, fallback: number, min: number, max: number) {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError(
      `${flag} must be a whole number from ${min} to ${max}, not "${text}"; fix: pass e.g. ${flag} ${fallback}`,
    );
  }
  return value;
}
