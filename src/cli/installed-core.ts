import { type Core, openCore, StartRefusedError } from '../app/open-core.js';
import { refusalLines } from '../app/start-refused.js';
import { requireInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS } from './output.js';

/**
 * Opens an existing installation beside its running servers (no data-folder lock), with the
 * same deployment checks and master-key check as `serve`, runs `work` and closes it. For the
 * commands that act on the data of a running server (`keys`, `users import`).
 */
export async function withInstalledCore<T>(flags: CommonFlags, work: (core: Core) => Promise<T>): Promise<T> {
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) throw new CliError(refusalLines(error), EXIT_FINDINGS);
    throw error;
  });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}
