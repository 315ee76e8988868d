import type { FrozenConfig } from '../config/index.js';
import type { CollectionsFeatureOptions } from '../features/collections/index.js';
import type { Core } from './open-core.js';

/**
 * The collections feature's options that come from the configuration and the opened core, so
 * the server and the shell commands that open collections beside it (`schema`, `types`) wire
 * the feature the same way; callers add only their listeners.
 */
export function collectionsOptions(
  config: FrozenConfig,
  core: Pick<Core, 'database' | 'audit' | 'deriveKey'>,
): CollectionsFeatureOptions {
  return {
    database: core.database,
    audit: core.audit,
    dataEncryptionKey: core.deriveKey('data-encryption'),
    stepUpWindowSeconds: config.auth.stepUpWindowSeconds,
    ruleQueryTimeoutMs: config.database.ruleQueryTimeoutMs,
    maxUploadBytes: config.files.maxUploadBytes,
    batchMaxOperations: config.records.batchMaxOperations,
  };
}
