/** A security event as features report it. Never put a password, token or secret in `details`. */
export interface AuditEvent {
  /** Dotted name, e.g. `server.start`, `auth.login.failure`. */
  type: string;
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
