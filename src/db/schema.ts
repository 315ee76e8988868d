import type { Generated } from 'kysely';

/** Row shapes of every table, for Kysely's type checking. Features add their tables here. */
export interface AuditLogTable {
  seq: number;
  at_ms: number;
  type: string;
  actor: string | null;
  ip: string | null;
  request_id: string | null;
  /** Canonical JSON of the event's details. */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface DatabaseTables {
  audit_log: AuditLogTable;
  /** Kysely's own bookkeeping; listed so typed queries in tests can read it. */
  kysely_migration: { name: string; timestamp: string; id?: Generated<number> };
}
