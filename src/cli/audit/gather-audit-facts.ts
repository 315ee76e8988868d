import { LOCK_FILE, PID_FILE } from '../../app/data-dir-lock.js';
import { type FrozenConfig, MASTER_KEY_FILE } from '../../config/index.js';
import { readAccountFacts } from './account-facts.js';
import type { AuditFacts } from './audit-check.js';
import { readCertificateFacts } from './certificate-facts.js';
import { findExposedDataPaths } from './data-file-facts.js';
import { inspectRunningServer, type NodeLaunch } from './running-server.js';

export interface GatherOptions {
  nowMs: number;
  /** How this audit was launched (process.execArgv and its NODE_OPTIONS). */
  auditor: Omit<NodeLaunch, 'who'>;
  apiKeyMaxAgeDays: number;
}

/** Looks at the machine once: files, certificate, the server holding the data folder, the database. */
export async function gatherAuditFacts(config: FrozenConfig, options: GatherOptions): Promise<AuditFacts> {
  return {
    config,
    nowMs: options.nowMs,
    nodeVersion: process.version,
    certificate: config.tls.cert ? (readCertificateFacts(config.tls.cert) ?? 'unreadable') : undefined,
    exposedDataPaths: findExposedDataPaths(config.dataDir, new Set([MASTER_KEY_FILE])),
    auditor: { who: 'this shell (bulwark audit’s own environment)', ...options.auditor },
    server: inspectRunningServer(config.dataDir, { lockFile: LOCK_FILE, pidFile: PID_FILE }),
    accounts: await readAccountFacts(config, options.nowMs),
    apiKeyMaxAgeDays: options.apiKeyMaxAgeDays,
  };
}
