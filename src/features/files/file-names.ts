/** Longest stored file name, in code points: names are metadata, not documents. */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * Characters removed from a client's file name: control characters (C0, DEL, C1), and format
 * characters (`\p{Cf}`), which hold the bidi overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) that make `invoice‮fdp.exe` read as `invoice.pdf`, and zero-width ones.
 */
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}]/gu;

/**
 * The client's file name made safe to keep and show: the last path segment only (both `/` and
 * `\` separate), unsafe characters removed, leading dots and spaces stripped (no hidden or
 * relative names), capped in length. Never used to build a path: keys are server ids.
 *
 * @example sanitiseFileName('../../etc/passwd') // 'passwd'
 */
export function sanitiseFileName(raw: string): string {
  const lastSegment = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(UNSAFE_CHARACTERS, '')
    .replace(/^[\s.]+/u, '')
    .trimEnd();
  const capped = [...cleaned].slice(0, MAX_FILE_NAME_LENGTH).join('');
  return capped === '' ? 'file' : capped;
}

/** The stored name with the extension of the sniffed type, so the served file opens as what it is. */
export function downloadName(storedName: string, extension: string): string {
  const dot = storedName.lastIndexOf('.');
  const base = dot > 0 ? storedName.slice(0, dot) : storedName;
  return `${base}.${extension}`;
}

/**
 * `Content-Disposition` per RFC 6266 with the RFC 8187 `filename*` for non-ASCII names and an
 * ASCII fallback for old clients; quotes, backslashes and percent signs never reach the quoted
 * fallback, so the header cannot be broken out of.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
