import type { Database } from '../../../db/index.js';
import { createAuditRepo } from '../audit-repo.js';
import { type AuditShipperOptions, createAuditShipper } from './audit-shipper.js';
import { createShippingRepo } from './shipping-repo.js';

export type { AuditShipper } from './audit-shipper.js';
export type { SyslogTarget } from './syslog-connection.js';
export { parseSyslogUrl } from './syslog-connection.js';
export type { CopyVerdict } from './verify-shipped-copy.js';
export { verifyShippedCopy } from './verify-shipped-copy.js';

/** The audit shipper reading this database's audit log and keeping its cursor there. */
export function createDatabaseShipper(database: Database, options: Omit<AuditShipperOptions, 'repo' | 'listAfter'>) {
  const audit = createAuditRepo(database.db);
  return createAuditShipper({ ...options, repo: createShippingRepo(database.db), listAfter: audit.listAfter });
}

/** The cursor of the receiver at `url`: the last entry written to it, or null if none ever was. */
export function findShippedThrough(database: Database, url: string): Promise<number | null> {
  return createShippingRepo(database.db).findCursor(url);
}
