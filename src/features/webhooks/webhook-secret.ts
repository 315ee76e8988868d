import { randomBytes } from 'node:crypto';
import { open, seal } from '../../lib/crypto/aead.js';

/** Standard Webhooks secrets are `whsec_` + base64 of the key bytes. */
const PREFIX = 'whsec_';
/** 24 bytes (192 bits) is the Standard Webhooks minimum; 64 bytes is a full HMAC-SHA256 block. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
/** What a generated secret carries: 32 bytes, the HMAC-SHA256 output size. */
const GENERATED_SECRET_BYTES = 32;

/** A fresh `whsec_…` secret from the OS CSPRNG. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/** The key bytes of a `whsec_` secret, or null when it is not one (wrong prefix, not base64, too short or long). */
export function secretKeyBytes(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  // Strict base64: Buffer.from would skip stray characters and accept a mangled secret.
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(encoded)) return null;
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length >= MIN_SECRET_BYTES && bytes.length <= MAX_SECRET_BYTES ? bytes : null;
}

/**
 * Seals and opens secrets at rest (AES-256-GCM under the `webhook-secrets` key), bound to the
 * webhook id so a sealed secret copied onto another webhook does not open.
 */
export function createSecretBox(key: Buffer) {
  const aad = (webhookId: string) => Buffer.from(`webhook:${webhookId}`);
  return {
    seal: (webhookId: string, secret: string) =>
      seal(key, Buffer.from(secret, 'utf8'), aad(webhookId)).toString('base64'),
    /** The secret, or null when the stored value was tampered with or moved. */
    open(webhookId: string, sealed: string): string | null {
      return open(key, Buffer.from(sealed, 'base64'), aad(webhookId))?.toString('utf8') ?? null;
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
