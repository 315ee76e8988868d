import { canonicalJson } from '../../../lib/encoding/canonical-json.js';
import type { HashableEntry } from '../hash-entry.js';
import { SD_ID } from './syslog-message.js';

/** One audit entry read back from a shipped copy. */
export interface CopiedEntry {
  lineNumber: number;
  entry: HashableEntry;
  prevHash: string;
  hash: string;
  chainVersion: number;
}

export type CopyLine =
  | { kind: 'entry'; copied: CopiedEntry }
  | { kind: 'unreadable'; lineNumber: number; reason: string };

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID ` (RFC 5424 §6), then STRUCTURED-DATA and MSG. */
const HEADER = /^<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ /;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Reads one line of a shipped copy. Two formats: the RFC 5424 message as sent (rsyslog's
 * `%rawmsg%`), whose `[bulwark@32473 seq hash]` must agree with its MSG; or the MSG alone, one
 * JSON entry per line (a `%msg%` template, or a JSON-lines export of the same messages).
 */
export function parseCopyLine(text: string, lineNumber: number): CopyLine | null {
  const line = text.replace(/\r$/, '').trim();
  if (line === '') return null;
  const unreadable = (reason: string): CopyLine => ({ kind: 'unreadable', lineNumber, reason });
  if (line.startsWith('{')) return readEntry(line, lineNumber) ?? unreadable('not an audit entry in JSON');
  const header = HEADER.exec(line);
  if (!header) return unreadable('neither an RFC 5424 message nor a JSON entry');
  const structured = readStructuredData(line.slice(header[0].length));
  if (!structured) return unreadable('its STRUCTURED-DATA is malformed');
  const ours = structured.elements.get(SD_ID);
  if (!ours) return unreadable(`it carries no [${SD_ID}] element: not a Bulwark audit entry`);
  const parsed = readEntry(structured.rest.replace(/^\uFEFF/, ''), lineNumber);
  if (!parsed) return unreadable('its MSG is not an audit entry in JSON');
  if (ours.get('seq') !== String(parsed.copied.entry.seq) || ours.get('hash') !== parsed.copied.hash) {
    return unreadable(`its [${SD_ID}] seq and hash do not match its MSG`);
  }
  return parsed;
}

/** The JSON entry, checked field by field; null when it is not one. */
function readEntry(json: string, lineNumber: number): { kind: 'entry'; copied: CopiedEntry } | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { seq, atMs, type, actor, ip, requestId, details, prevHash, hash, chainVersion } = value;
  const isOptionalText = (v: unknown) => v === null || typeof v === 'string';
  if (
    !Number.isSafeInteger(seq) ||
    !Number.isSafeInteger(atMs) ||
    typeof type !== 'string' ||
    !isOptionalText(actor) ||
    !isOptionalText(ip) ||
    !isOptionalText(requestId) ||
    typeof details !== 'object' ||
    details === null ||
    typeof prevHash !== 'string' ||
    typeof hash !== 'string' ||
    !HASH.test(prevHash) ||
    !HASH.test(hash) ||
    !Number.isSafeInteger(chainVersion)
  ) {
    return null;
  }
  const entry: HashableEntry = {
    seq: seq as number,
    atMs: atMs as number,
    type,
    actor: actor as string | null,
    ip: ip as string | null,
    requestId: requestId as string | null,
    // The stored text is canonical JSON, and canonical JSON of the parsed value gives it back.
    details: canonicalJson(details),
  };
  return { kind: 'entry', copied: { lineNumber, entry, prevHash, hash, chainVersion: chainVersion as number } };
}

/** RFC 5424 §6.3: `-` or one or more `[SD-ID PARAM="VALUE" …]`, values with `\"`, `\\`, `\]` escapes. */
function readStructuredData(text: string): { elements: Map<string, Map<string, string>>; rest: string } | null {
  const elements = new Map<string, Map<string, string>>();
  if (text.startsWith('-')) return { elements, rest: text.slice(2) };
  let at = 0;
  while (text[at] === '[') {
    const id = /^\[([^ =\]"]{1,32})/.exec(text.slice(at));
    if (!id?.[1]) return null;
    at += id[0].length;
    const params = new Map<string, string>();
    for (;;) {
      if (text[at] === ']') break;
      const param = /^ ([^ =\]"]{1,32})="/.exec(text.slice(at));
      if (!param?.[1]) return null;
      at += param[0].length;
      let value = '';
      while (at < text.length && text[at] !== '"') {
        if (text[at] === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\' || text[at + 1] === ']')) at += 1;
        value += text[at];
        at += 1;
      }
      if (text[at] !== '"') return null;
      at += 1;
      params.set(param[1], value);
    }
    at += 1;
    elements.set(id[1], params);
  }
  if (elements.size === 0) return null;
  return { elements, rest: text.slice(at).replace(/^ /, '') };
}
