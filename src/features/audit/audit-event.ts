import type { AuditEventType } from './audit-event-types.js';

/** A security event as features report it. Never put a password, token or secret in `details`. */
export interface AuditEvent {
  /** Dotted name from the closed registry `AUDIT_EVENT_TYPES`, e.g. `auth.login.failure`. */
  type: AuditEventType;
  /** User id, `system`, or a CLI command name. */
  actor?: string | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** The one small interface through which every capability reports security events. */
export interface AuditSink {
  record: (event: AuditEvent) => Promise<void>;
}

export interface AuditEntry {
  seq: number;
  atMs: number;
  type: string;
  actor: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
