import type { SchemaVersion, SessionStage, UsersTable } from '../../db/index.js';

/** What a client may see of a user: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  role: 'user' | 'admin';
  verified: boolean;
  created: string;
}

export function toPublicUser(row: UsersTable): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    verified: row.verified === 1,
    created: new Date(row.created_ms).toISOString(),
  };
}

/** Who is calling, and through what. Attached to every request as `request.auth` (or null). */
export interface AuthContext {
  user: UsersTable;
  via: 'cookie' | 'bearer' | 'apiKey';
  /** The browser session or bearer token family; absent for API keys. */
  sessionId?: string;
  /**
   * A browser session's current cookie, as stored (hashed): it changes whenever the session id
   * rotates, and the CSRF token is bound to it. Absent for bearer tokens and API keys.
   */
  cookieTokenHash?: string;
  reauthAtMs?: number | null;
  /** When this sign-in last proved a second factor. */
  factorAtMs?: number | null;
  /**
   * `full`, or a restricted sign-in: `mfa` still owes its second factor, `enrol` must enrol one
   * (the policy demands it and the user has none). Restricted sign-ins reach only the routes
   * that name their stage in `allowStages`.
   */
  stage: SessionStage;
  /** API key scopes; sessions carry every permission of their user. */
  scopes?: readonly string[];
  apiKeyId?: string;
  /**
   * Not about the caller: the collections schema version, read in the same statement as the
   * credential so the records routes can trust their cached definitions without another round
   * trip (db/schema-version.ts). The credential itself is never cached.
   */
  schemaVersion?: SchemaVersion;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    /**
     * Spends `points` more from the signed-in account's budget, for a request that does the
     * work of several (a batch of record writes counts each one); throws 429 once it is spent.
     * A guest has no account budget: its address's budget counts it.
     */
    spendAccountBudget: (points: number) => Promise<void>;
  }
  interface FastifyContextConfig {
    /** The route acts on no session's authority, so a cookie needs no CSRF token there. */
    usesNoSession?: boolean;
    /** The route hands out a session cookie: only origins trusted with credentials may call it. */
    setsSessionCookie?: boolean;
    /** Restricted sign-ins (second factor owed, or enrolment required) this route serves. */
    allowStages?: ReadonlyArray<Exclude<SessionStage, 'full'>>;
    /**
     * True when the request carries the route's own credential (the metrics token on
     * `GET /metrics`): sign-in resolution leaves its Authorization header alone. Any other
     * header is resolved as everywhere, so a wrong token is answered as on any other route.
     */
    ownsCredential?: (request: FastifyRequest) => boolean;
  }
}
