/**
 * What the logs (and the crash line on the terminal) must never show: secrets by key, our
 * tokens by shape, credential header values whole. Kept apart from logger.ts so the crash path
 * in main.ts can redact without loading pino into every command.
 */

/** Keys whose values are secrets wherever they appear, at any depth. */
export const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|cookie|authori[sz]ation|api[-_]?key|session|credential|private[-_]?key|otp|recovery|csrf|signature|master[-_]?key/i;
/** A whole value that is a credential whatever its key: an Authorization header's value. */
export const CREDENTIAL_VALUE = /^(bearer|basic)\s+\S+/i;
/**
 * Our own tokens (TOKEN_PREFIX in lib/crypto/token-hasher.ts: `bwa_` access, `bwr_` refresh, `bwk_` API key)
 * wherever they appear: inside a message, a URL path or query, after `=`, `:`, a quote or a
 * percent-encoded quote (so no word boundary is required before the prefix). The tail takes
 * base64url and, to be safe, the characters of standard base64 and percent-encoding, so a
 * mangled copy loses its whole secret part, not only its first characters.
 */
export const BULWARK_TOKEN = /bw[akr]_[A-Za-z0-9_\-+/=%]{10,}/gi;
export const REDACTED = '[REDACTED]';

/** `text` with every one of our tokens in it replaced; a credential header value goes whole. */
export function redactText(text: string): string {
  if (CREDENTIAL_VALUE.test(text)) return REDACTED;
  return text.replace(BULWARK_TOKEN, REDACTED);
}
/** Guards against cyclic or absurdly deep log objects. */
const MAX_REDACT_DEPTH = 12;

/** Copies `value` with secrets replaced; never mutates what the caller passed. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_REDACT_DEPTH) return '[Truncated]';
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Error) return redactSecrets(serializeError(value), depth);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(child, depth + 1);
  }
  return out;
}

/**
 * OAuth and OIDC parameters that are secrets in a URL (an authorization code can be redeemed,
 * a state or nonce forged into a flow) but are ordinary words as object keys (an error `code`).
 */
export const SECRET_QUERY_KEY = /^(code|state|nonce|code_verifier|id_token_hint)$/i;

/** Query parameters named like secrets keep their name, lose their value. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return redactText(url);
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_KEY.test(key) || SECRET_QUERY_KEY.test(key) || CREDENTIAL_VALUE.test(params.get(key) ?? '')) {
      params.set(key, REDACTED);
    }
  }
  // Tokens in the path or inside any value (a redirect target carrying one, say) go too.
  return redactText(`${url.slice(0, queryStart)}?${params.toString()}`);
}

function serializeError(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, child] of Object.entries(error)) out[key] = child;
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}
