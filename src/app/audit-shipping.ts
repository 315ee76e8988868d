import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { envNameFor, type FrozenConfig, SYSLOG_FACILITIES } from '../config/index.js';
import type { Database } from '../db/index.js';
import {
  type AuditLog,
  type AuditShipper,
  createDatabaseShipper,
  parseSyslogUrl,
  type SyslogTarget,
} from '../features/audit/index.js';
import { refuseStart } from './start-refused.js';

/**
 * The receiver named by `audit.syslog.url`, or null when shipping is off. Its CA, certificate
 * and key are read here, before anything is opened, so a missing or unreadable file refuses the
 * start instead of failing every round.
 */
export function loadSyslogTarget(config: FrozenConfig): SyslogTarget | null {
  const settings = config.audit.syslog;
  if (!settings.url) return null;
  return {
    ...parseSyslogUrl(settings.url),
    ...readPem('caFile', 'ca', settings.caFile),
    ...readPem('certFile', 'cert', settings.certFile),
    ...readPem('keyFile', 'key', settings.keyFile),
  };
}

/**
 * The shipper of the audit log to `target`; it wakes whenever this instance records an entry
 * and polls for other instances' entries. Started by the app's `start()`, stopped before the
 * database closes.
 */
export function createShipper(
  config: FrozenConfig,
  target: SyslogTarget,
  core: { database: Database; audit: AuditLog },
  logger: Logger,
): AuditShipper {
  const settings = config.audit.syslog;
  const shipper = createDatabaseShipper(core.database, {
    target,
    header: {
      facility: SYSLOG_FACILITIES[settings.facility],
      appName: settings.appName,
      hostname:
        settings.hostname ??
        (hostname()
          .replace(/[^!-~]/g, '')
          .slice(0, 255) ||
          '-'),
      procId: String(process.pid),
    },
    reconnectMaxMs: settings.reconnectMaxMs,
    onStatus: ({ isUp, message }) => (isUp ? logger.info(message) : logger.error(message)),
  });
  core.audit.onRecorded(async () => shipper.wake());
  return shipper;
}

function readPem<K extends 'ca' | 'cert' | 'key'>(
  key: string,
  field: K,
  path: string | undefined,
): Partial<Record<K, Buffer>> {
  if (!path) return {};
  try {
    return { [field]: readFileSync(path) } as Partial<Record<K, Buffer>>;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw refuseStart(
      'audit-syslog-file-unreadable',
      `audit.syslog.${key} ${path} cannot be read (${reason})`,
      `correct audit.syslog.${key} (${envNameFor(`audit.syslog.${key}`)}) or let the server's user read the file`,
    );
  }
}
