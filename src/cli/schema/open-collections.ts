import { collectionsOptions } from '../../app/collections-options.js';
import { openCore, StartRefusedError } from '../../app/open-core.js';
import { refusalLines } from '../../app/start-refused.js';
import { type CollectionsFeature, createCollectionsFeature } from '../../features/collections/index.js';
import { createFilesFeature } from '../../features/files/index.js';
import { requireInstallation } from '../installation.js';
import { type CommonFlags, loadCliConfig } from '../load-cli-config.js';
import { CliError, EXIT_FINDINGS } from '../output.js';

/**
 * Opens an existing installation beside its running servers (no data-folder lock, as `keys
 * rotate` does), with the deployment and master-key checks of `serve`, and runs `work` with the
 * collections feature wired as the server wires it: the same checks, the same audit log, and
 * the files feature subscribed, so files of a dropped field or collection go with it.
 */
export async function withCollections<T>(
  flags: CommonFlags,
  work: (collections: CollectionsFeature) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  const core = await openCore(config).catch((error: unknown) => {
    if (error instanceof StartRefusedError) throw new CliError(refusalLines(error), EXIT_FINDINGS);
    throw error;
  });
  const collections = createCollectionsFeature(collectionsOptions(config, core));
  const files = createFilesFeature({
    config,
    database: core.database,
    audit: core.audit,
    collections,
    linkKey: core.deriveKey('file-links'),
  });
  try {
    return await work(collections);
  } finally {
    await files.close();
    await core.close();
  }
}
