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
  /** 1: plain SHA-256 (entries from before the keyed chain); 2: HMAC-SHA256 under the audit-chain key. */
  chain_version: number;
}

/** Shipping of the audit log to one syslog receiver: its cursor and the lease of the shipping instance. */
export interface AuditShippingTable {
  target: string;
  shipped_seq: number;
  holder: string | null;
  lease_until_ms: number | null;
  updated_ms: number;
}

/** A signed retention anchor: the last entry a pruning deleted (migration 0010). */
export interface AuditRetentionTable {
  through_seq: number;
  through_hash: string;
  through_at_ms: number;
  chain_version: number;
  pruned_at_ms: number;
  retention_days: number;
  mac: string;
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
  /** When the first second factor was confirmed; null while the user has none. */
  mfa_enrolled_ms: number | null;
}

/** `full`: signed in. `mfa`: password given, second factor owed. `enrol`: may only enrol a factor. */
export type SessionStage = 'full' | 'mfa' | 'enrol';

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
  stage: SessionStage;
  /** When this sign-in last proved a second factor; null if it never did. */
  factor_ms: number | null;
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
  /** 1 when made by `bulwark keys create --admin` on the server's shell (migration 0014). */
  made_from_shell: number;
}

export interface CollectionsTable {
  name: string;
  /** JSON of the collection definition (fields and rules). */
  definition: string;
  created_ms: number;
  updated_ms: number;
}

/**
 * One row (id 1): a counter that triggers bump on every change to `collections` (migration
 * 0013). Instances cache parsed definitions per value of it; see `db/schema-version.ts`.
 */
export interface SchemaVersionTable {
  id: number;
  version: number;
}

export interface DataKeysTable {
  id: string;
  /** The data key, AES-256-GCM-wrapped under the key derived for data encryption. */
  wrapped: string;
  created_ms: number;
  retired_ms: number | null;
}

export interface TotpFactorsTable {
  user_id: string;
  /** The shared secret, AES-256-GCM-sealed under a key derived for this purpose (base64). */
  secret_sealed: string;
  created_ms: number;
  confirmed_ms: number | null;
  last_step: number;
}

export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_ms: number;
  used_ms: number | null;
}

export interface WebauthnCredentialsTable {
  /** The credential id, base64url. */
  id: string;
  user_id: string;
  name: string;
  /** COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of transports. */
  transports: string;
  device_type: string;
  backed_up: number;
  created_ms: number;
  last_used_ms: number | null;
}

export interface WebauthnChallengesTable {
  challenge: string;
  purpose: 'register' | 'login' | 'second-factor' | 'reauth';
  user_id: string | null;
  session_id: string | null;
  expires_ms: number;
  used_ms: number | null;
}

export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  provider: string;
  email: string | null;
  created_ms: number;
  last_used_ms: number | null;
}

export interface OidcFlowsTable {
  state_hash: string;
  provider: string;
  code_verifier: string;
  nonce: string;
  next: string | null;
  link_user_id: string | null;
  created_ms: number;
  expires_ms: number;
  used_ms: number | null;
}

/** The master key's check value (migration 0006): lets a start tell a wrong key from the right one. */
/** The root secret wrapped under a master key version (migration 0012); only the newest is kept. */
export interface MasterKeyVersionsTable {
  version: number;
  wrapped_root: string;
  created_ms: number;
}

export interface KeyCheckTable {
  name: string;
  mac: string;
  created_ms: number;
}

/** A failure counter of a sign-in budget (see `src/stores/database.ts`). */
export interface AbuseCountersTable {
  /** `<budget>:<key>`. */
  key: string;
  points: number;
  /** When the count starts afresh (or a block ends); null: never. */
  expires_ms: number | null;
}

/** An address refused on every route until `until_ms`. */
export interface AbuseBansTable {
  client_key: string;
  reason: string;
  since_ms: number;
  until_ms: number;
}

/** A registered webhook (migration 0009). */
export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event names and `family.*` patterns. */
  events: string;
  /** The signing secret, AES-256-GCM-sealed under the `webhook-secrets` key (base64). */
  secret_sealed: string;
  created_ms: number;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead';

/** One event for one webhook: the durable queue entry and its delivery log line. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_ms: number;
  claim_token: string | null;
  claimed_until_ms: number | null;
  last_status: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  created_ms: number;
  updated_ms: number;
}

/** `clean`: may be served; `pending`: waiting for the malware scan; `infected`: bytes deleted. */
export type FileStatus = 'clean' | 'pending' | 'infected';

export interface FilesTable {
  id: string;
  collection: string;
  record_id: string;
  field: string;
  store_key: string;
  name: string;
  type: string;
  size_bytes: number;
  sha256: string;
  status: FileStatus;
  created_ms: number;
}

export interface DatabaseTables {
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  files: FilesTable;
  abuse_counters: AbuseCountersTable;
  abuse_bans: AbuseBansTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  webauthn_credentials: WebauthnCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  oidc_identities: OidcIdentitiesTable;
  oidc_flows: OidcFlowsTable;
  collections: CollectionsTable;
  schema_version: SchemaVersionTable;
  data_keys: DataKeysTable;
  audit_log: AuditLogTable;
  audit_shipping: AuditShippingTable;
  audit_retention: AuditRetentionTable;
  users: UsersTable;
  sessions: SessionsTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  one_time_tokens: OneTimeTokensTable;
  api_keys: ApiKeysTable;
  key_check: KeyCheckTable;
  master_key_versions: MasterKeyVersionsTable;
  /** Kysely's own bookkeeping; listed so typed queries in tests can read it. */
  kysely_migration: { name: string; timestamp: string; id?: Generated<number> };
}
