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

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  role: 'user' | 'admin';
  verified: number;
  disabled: number;
  created_ms: number;
  updated_ms: number;
}

export interface SessionsTable {
  id: string;
  /** HMAC of the browser session token; null for bearer token families. */
  token_hash: string | null;
  user_id: string;
  kind: 'cookie' | 'bearer';
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
  reauth_ms: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AccessTokensTable {
  token_hash: string;
  session_id: string;
  expires_ms: number;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_ms: number;
  used_ms: number | null;
}

export interface OneTimeTokensTable {
  token_hash: string;
  purpose: 'setup' | 'verify-email' | 'reset-password' | 'change-email';
  user_id: string | null;
  created_ms: number;
  expires_ms: number;
  used_ms: number | null;
  payload: string | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  display_prefix: string;
  /** JSON array of scope names. */
  scopes: string;
  created_ms: number;
  expires_ms: number;
  revoked_ms: number | null;
  last_used_ms: number | null;
  rotated_from: string | null;
}

export interface CollectionsTable {
  name: string;
  /** JSON of the collection definition (fields and rules). */
  definition: string;
  created_ms: number;
  updated_ms: number;
}

export interface DataKeysTable {
  id: string;
  /** The data key, AES-256-GCM-wrapped under the key derived for data encryption. */
  wrapped: string;
  created_ms: number;
  retired_ms: number | null;
}

export interface DatabaseTables {
  collections: CollectionsTable;
  data_keys: DataKeysTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  one_time_tokens: OneTimeTokensTable;
  api_keys: ApiKeysTable;
  /** Kysely's own bookkeeping; listed so typed queries in tests can read it. */
  kysely_migration: { name: string; timestamp: string; id?: Generated<number> };
}
