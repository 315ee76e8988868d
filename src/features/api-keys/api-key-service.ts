import type { Kysely } from 'kysely';
import { type ApiKeysTable, type DatabaseTables, type SchemaVersion, toSchemaVersion } from '../../db/index.js';
import { newId, newSecret, TOKEN_PREFIX, type TokenHasher } from '../../lib/crypto/token-hasher.js';
import { createApiKeysRepo } from './api-keys-repo.js';

/**
 * The documented scope vocabulary. Keys carry only what they list; routes name the scope they
 * need. `admin` lets a key of an administrator use admin routes; account routes (sessions,
 * passwords, keys) are never open to API keys, so a leaked key cannot mint more keys.
 */
export const API_KEY_SCOPES = [
  'profile:read',
  'records:read',
  'records:write',
  'files:read',
  'files:write',
  'admin',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeySettings {
  maxLifetimeDays: number;
  rotationOverlapSeconds: number;
}

export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created: string;
  /** When the key stops working: after a rotation, the end of the overlap (or its own expiry, if sooner). */
  expires: string;
  lastUsed: string | null;
  revoked: boolean;
  /** The key this one replaced by rotation. */
  rotatedFrom: string | null;
  /** The key that replaced this one: it works only until `expires`, so tell clients to move. */
  replacedBy: string | null;
  /**
   * Made by `bulwark keys create --admin` on the server's shell: it works while its owner has
   * no second factor yet. Its rotation over HTTP gives an ordinary key.
   */
  madeFromShell: boolean;
}

const TOUCH_INTERVAL_MS = 60_000;
/** Characters of the key shown in lists so a user can tell keys apart; 4 of 43 random ones. */
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.apiKey.length + 4;

export function toPublicApiKey(row: ApiKeysTable, replacedBy: string | null = null): PublicApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.display_prefix,
    scopes: JSON.parse(row.scopes) as string[],
    created: new Date(row.created_ms).toISOString(),
    expires: new Date(row.expires_ms).toISOString(),
    lastUsed: row.last_used_ms === null ? null : new Date(row.last_used_ms).toISOString(),
    revoked: row.revoked_ms !== null,
    rotatedFrom: row.rotated_from,
    replacedBy,
    madeFromShell: row.made_from_shell === 1,
  };
}

/** API keys: shown once, stored as an HMAC, always expiring, revocable, rotatable with overlap. */
export function createApiKeyService(
  db: Kysely<DatabaseTables>,
  hash: TokenHasher,
  settings: ApiKeySettings,
  now: () => number = Date.now,
) {
  const repo = createApiKeysRepo(db);

  const insert = async (
    userId: string,
    name: string,
    scopes: readonly string[],
    expiresMs: number,
    rotatedFrom: string | null,
    isMadeFromShell = false,
  ) => {
    const key = newSecret(TOKEN_PREFIX.apiKey);
    const row: ApiKeysTable = {
      id: newId(),
      user_id: userId,
      name,
      key_hash: hash(key),
      display_prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
      scopes: JSON.stringify([...new Set(scopes)].sort()),
      created_ms: now(),
      expires_ms: expiresMs,
      revoked_ms: null,
      last_used_ms: null,
      rotated_from: rotatedFrom,
      made_from_shell: isMadeFromShell ? 1 : 0,
    };
    await repo.insert(row);
    return { key, record: toPublicApiKey(row) };
  };

  return {
    maxLifetimeSeconds: settings.maxLifetimeDays * 86_400,

    create: (userId: string, input: { name: string; scopes: readonly string[]; expiresInSeconds: number }) =>
      insert(userId, input.name, input.scopes, now() + input.expiresInSeconds * 1000, null),

    /**
     * An administrator's key made on the server's shell (`bulwark keys create --admin`): the
     * shell is the owner's proof, so the key is not held back while its owner has no second
     * factor. Only the CLI calls this; no route can, so nothing over HTTP makes such a key.
     */
    createFromShell: (userId: string, input: { name: string; scopes: readonly string[]; expiresInSeconds: number }) =>
      insert(userId, input.name, input.scopes, now() + input.expiresInSeconds * 1000, null, true),

    /** Every key of every user, newest first, with its owner's email: the shell's `bulwark keys list`. */
    listAll: async (): Promise<Array<PublicApiKey & { owner: string }>> =>
      (await repo.listAll()).map((row) => ({ ...toPublicApiKey(row), owner: row.email })),

    /** Revokes one key whoever owns it (the shell's `bulwark keys revoke`); its row before, or null. */
    async revokeAny(id: string): Promise<(ApiKeysTable & { email: string }) | null> {
      const row = await repo.findWithOwner(id);
      if (!row) return null;
      await repo.revoke(id, now());
      return row;
    },

    /**
     * The key's row when it is live (not revoked, not expired), else null; with the collections
     * schema version read in the same statement (db/schema-version.ts).
     */
    async resolve(key: string): Promise<(ApiKeysTable & { schemaVersion: SchemaVersion }) | null> {
      const row = await repo.findByHash(hash(key));
      const nowMs = now();
      if (!row || row.revoked_ms !== null || nowMs >= row.expires_ms) return null;
      if (row.last_used_ms === null || nowMs - row.last_used_ms > TOUCH_INTERVAL_MS) await repo.touch(row.id, nowMs);
      return { ...row, schemaVersion: toSchemaVersion(row.schema_version) };
    },

    /**
     * Newest first. Both keys of a rotation have the same name and scopes, so each says which
     * one it replaced or was replaced by: the old key's `expires` is then the end of its overlap.
     */
    async list(userId: string): Promise<PublicApiKey[]> {
      const rows = await repo.listForUser(userId);
      const successors = new Map<string, string>();
      for (const row of rows) {
        // Newest first: if a key was rotated twice during its overlap, the newest successor is named.
        if (row.rotated_from !== null && !successors.has(row.rotated_from)) successors.set(row.rotated_from, row.id);
      }
      return rows.map((row) => toPublicApiKey(row, successors.get(row.id) ?? null));
    },

    /** New key with the same name, scopes and lifetime; the old one works for the overlap only. */
    async rotate(id: string, userId: string) {
      const old = await repo.findOwned(id, userId);
      const nowMs = now();
      if (!old || old.revoked_ms !== null || nowMs >= old.expires_ms) return null;
      const lifetimeMs = Math.min(old.expires_ms - old.created_ms, settings.maxLifetimeDays * 86_400_000);
      const created = await insert(userId, old.name, JSON.parse(old.scopes) as string[], nowMs + lifetimeMs, old.id);
      await repo.setExpiry(old.id, Math.min(old.expires_ms, nowMs + settings.rotationOverlapSeconds * 1000));
      return created;
    },

    async revoke(id: string, userId: string): Promise<boolean> {
      const row = await repo.findOwned(id, userId);
      if (!row) return false;
      await repo.revoke(id, now());
      return true;
    },

    /** Revokes every key of a user (disabled, or its sessions revoked by an administrator). */
    async revokeAllForUser(userId: string): Promise<number> {
      return Number((await repo.revokeAllForUser(userId, now())).numUpdatedRows);
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
