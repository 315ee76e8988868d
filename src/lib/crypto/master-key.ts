export const MIN_MASTER_KEY_BYTES = 32;

/**
 * Decodes a master key given as hex or base64 (standard or URL-safe). Returns null when the
 * text is neither, so callers can report a weak or malformed key instead of using it.
 */
export function decodeMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  return null;
}

/**
 * True when the key is long enough and does not look hand-made: at least 32 bytes with at
 * least 16 distinct byte values (a repeated or counting pattern fails).
 */
export function isStrongMasterKey(key: Buffer | null): boolean {
  if (!key || key.length < MIN_MASTER_KEY_BYTES) return false;
  return new Set(key).size >= 16;
}
