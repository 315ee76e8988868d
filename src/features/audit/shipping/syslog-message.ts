import type { AuditLogTable } from '../../../db/index.js';
import { auditEntryFromRow } from '../audit-entry-record.js';

/**
 * Our SD-ID. 32473 is the private enterprise number RFC 5612 reserves for documentation and
 * examples; a deployment that wants its own registers one (IANA) and nothing else changes.
 */
export const SD_ID = 'bulwark@32473';

/** RFC 5424 §6.2.1 severities used for audit events. */
const SEVERITY = { err: 3, warning: 4, notice: 5, info: 6 } as const;

/** Events that mean an attack succeeded in part, or evidence is at risk: read at once. */
const ERROR_EVENTS = new Set([
  'auth.refresh.reuse',
  'file.infected',
  'webhook.secret.unreadable',
  'tls.reload.failure',
  'audit.chain.broken',
]);

/** Refusals and failures: each alone is routine, many are an attack. */
const WARNING_PATTERN = /\.(failure|denied|blocked|refused|dead|throttled)$|^abuse\.ban$|^config\.finding$|^alert\./;

/** The syslog severity of an audit event, from its type. */
export function severityOf(type: string): number {
  if (ERROR_EVENTS.has(type)) return SEVERITY.err;
  if (WARNING_PATTERN.test(type)) return SEVERITY.warning;
  // Key rotations are operator actions on the keys themselves: as visible as an admin action.
  if (type.startsWith('admin.') || type.startsWith('server.') || type.startsWith('keys.') || type === 'abuse.unban')
    return SEVERITY.notice;
  return SEVERITY.info;
}

export interface SyslogHeader {
  /** Facility number, 0–23. */
  facility: number;
  appName: string;
  hostname: string;
  procId: string;
}

/**
 * One RFC 5424 message for an audit entry: PRI from the event's severity, TIMESTAMP of the
 * entry, MSGID the event type, `[bulwark@32473 seq hash actor ip]`, and MSG the entry as JSON.
 * The whole message is printable ASCII: JSON escapes every other character, so no relay can
 * re-encode it, and no newline in an entry can split or forge a line in the receiver's file.
 */
export function formatSyslogMessage(row: AuditLogTable, header: SyslogHeader): string {
  const entry = auditEntryFromRow(row);
  const pri = header.facility * 8 + severityOf(entry.type);
  const params: Array<[string, string]> = [
    ['seq', String(entry.seq)],
    ['hash', entry.hash],
  ];
  if (entry.actor !== null) params.push(['actor', entry.actor]);
  if (entry.ip !== null) params.push(['ip', entry.ip]);
  const sd = `[${SD_ID}${params.map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`).join('')}]`;
  const timestamp = new Date(entry.atMs).toISOString();
  return `<${pri}>1 ${timestamp} ${header.hostname} ${header.appName} ${header.procId} ${msgIdOf(entry.type)} ${sd} ${asciiJson(entry)}`;
}

/** RFC 5425 §4.3 octet-counting framing: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped with a backslash inside a PARAM-VALUE. */
export function escapeParamValue(value: string): string {
  return asciiOnly(value).replace(/["\\\]]/g, (char) => `\\${char}`);
}

/** MSGID is 1 to 32 printable ASCII characters (RFC 5424 §6.2.7). */
function msgIdOf(type: string): string {
  const printable = type.replace(/[^!-~]/g, '_').slice(0, 32);
  return printable === '' ? '-' : printable;
}

/** JSON with every character outside printable ASCII written as `\uXXXX`; parses back to the same value. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^ -~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A SD value cannot use JSON escapes; anything outside printable ASCII becomes `?` (the MSG keeps it exactly). */
function asciiOnly(value: string): string {
  return value.replace(/[^ -~]/g, '?');
}
