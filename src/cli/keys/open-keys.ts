import { type Core, openCore, StartRefusedError } from '../../app/open-core.js';
import { refusalLines } from '../../app/start-refused.js';
import { createKeyRotation } from '../../features/collections/index.js';
import { requireInstallation } from '../installation.js';
import { type CommonFlags, loadCliConfig } from '../load-cli-config.js';
import { CliError, EXIT_FINDINGS } from '../output.js';

export type KeyRotation = ReturnType<typeof createKeyRotation>;

/**
 * Opens an existing installation beside its running servers (no data-folder lock), with the
 * same deployment checks and master-key check as `serve`, and runs `work` with its key rotation.
 */
export async function withKeyRotation<T>(
  flags: CommonFlags,
  work: (rotation: KeyRotation, core: Core) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) {
      throw new CliError(refusalLines(error), EXIT_FINDINGS);
    }
    throw error;
  });
  try {
    const rotation = createKeyRotation({ db: core.database.db, dataEncryptionKey: core.deriveKey('data-encryption') });
    return await work(rotation, core);
  } finally {
    await core.close();
  }
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
