import { securityHeaders } from '../../src/http/security-headers.js';
import type { RawAnswer } from './raw-http.js';
import type { FuzzRequest } from './requests.js';

/** The largest 4xx body allowed: an error answer must not amplify what the client sent. */
export const MAX_4XX_BYTES = 16 * 1024;

/**
 * Text that only framework, library or driver code writes: Fastify's and Node's error codes,
 * SQLite's result codes, PostgreSQL's messages, stack frames. The fuzzer never sends any of it,
 * so seeing it in an answer means something internal reached the client.
 */
const INTERNAL_TEXT =
  /\bFST_[A-Z_]+|\bERR_[A-Z0-9_]+|\bSQLITE_[A-Z_]+|\bHPE_[A-Z_]+|invalid input syntax for|violates (?:unique|foreign key|not-null|check) constraint|syntax error at or near|out of range for type|invalid byte sequence for encoding|unsupported Unicode escape sequence|value too long for type|null value in column|duplicate key value|canceling statement due to|\bat [\w.<>]+ \((?:node:|file:|\/)|node_modules\//;

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUIRED_HEADERS = securityHeaders(false);

export interface Failure {
  check: string;
  detail: string;
  /** The record field a value check is about. */
  field?: string;
}

/** What is wrong with one answer, by check; empty when it passes every check. */
export function checkAnswer(request: FuzzRequest, answer: RawAnswer): Failure[] {
  if (answer.status === 0) return [{ check: 'no answer', detail: answer.error ?? 'connection closed' }];
  const failures: Failure[] = [];
  const text = answer.body.toString('utf8');
  if (answer.status >= 500) failures.push({ check: '5xx', detail: `status ${answer.status}` });
  const internal = INTERNAL_TEXT.exec(`${text}\n${Object.values(answer.headers).join('\n')}`);
  if (internal) failures.push({ check: 'internal text', detail: internal[0] });
  const missing = Object.entries(REQUIRED_HEADERS)
    .filter(([name, value]) => answer.headers[name] !== value)
    .map(([name]) => name);
  if (missing.length) {
    const which = missing.length === Object.keys(REQUIRED_HEADERS).length ? 'none of them' : missing.join(', ');
    failures.push({ check: 'security headers', detail: `security headers: ${which}` });
  }
  if (!REQUEST_ID.test(answer.headers['x-request-id'] ?? '')) {
    failures.push({ check: 'x-request-id', detail: `got ${JSON.stringify(answer.headers['x-request-id'] ?? null)}` });
  }
  if (answer.status >= 400 && answer.status < 500 && answer.body.length > MAX_4XX_BYTES) {
    failures.push({ check: '4xx over 16 KiB', detail: `${answer.body.length} bytes` });
  }
  if (request.isHead && answer.body.length > 0) {
    failures.push({ check: 'HEAD with a body', detail: `${answer.body.length} bytes after the head` });
  }
  if (
    answer.status >= 400 &&
    !request.isHead &&
    !/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')
  ) {
    failures.push({ check: 'not problem+json', detail: `content-type ${answer.headers['content-type'] ?? 'none'}` });
  }
  return failures;
}

const jsonObject = (data: Buffer | undefined): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(data?.toString('utf8') ?? '');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** A calendar date as written (`2024-02-30`, `2024-02-30T10:00:00Z`), without an offset that moves it. */
const PLAIN_DATE = /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+Z?)?$/;

/**
 * A record write the server accepted must answer what was sent: a date is not moved to another
 * day (2024-02-30 to 2024-03-01).
 */
export function checkRecordDates(request: FuzzRequest, written: RawAnswer): Failure[] {
  const sent = jsonObject(request.body) ?? {};
  const answered = jsonObject(written.body) ?? {};
  const failures: Failure[] = [];
  for (const [field, value] of Object.entries(sent)) {
    const date = typeof value === 'string' ? PLAIN_DATE.exec(value)?.[1] : undefined;
    const got = answered[field];
    if (date && typeof got === 'string' && got !== '' && !got.startsWith(date)) {
      failures.push({
        check: 'record value changed',
        field,
        detail: `${field}: sent ${JSON.stringify(value)}, answered ${JSON.stringify(got)}`,
      });
    }
  }
  return failures;
}

/**
 * What the server stored must be what it answered: text is not turned into other characters (a
 * lone surrogate into U+FFFD). `read` is a GET of the record right after the write; it is
 * compared only when nobody wrote the record in between (same `updated`).
 */
export function checkStored(written: RawAnswer, read: RawAnswer): Failure[] {
  const answered = jsonObject(written.body) ?? {};
  const stored = jsonObject(read.body);
  if (read.status !== 200 || !stored || stored.updated !== answered.updated) return [];
  return Object.entries(answered)
    .filter(([field, value]) => field in stored && canonical(stored[field]) !== canonical(value))
    .map(([field, value]) => ({
      check: 'stored value differs from the answer',
      field,
      detail: `${field}: answered ${JSON.stringify(value).slice(0, 60)}, stored ${JSON.stringify(stored[field]).slice(0, 60)}`,
    }));
}

/** JSON with object keys sorted, so a database that reorders a JSON value's keys is no finding. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * A `null` the client sent must not come back as `""`: for a rule, null means administrators
 * only and "" means anyone. Records are left out (their fields store zero values by design).
 */
export function checkNullKept(request: FuzzRequest, answer: RawAnswer): Failure[] {
  if (answer.status < 200 || answer.status > 299 || request.operation.includes('/records')) return [];
  const sent = jsonObject(request.body);
  const answered = jsonObject(answer.body);
  if (!sent || !answered) return [];
  const failures: Failure[] = [];
  const walk = (from: Record<string, unknown>, to: Record<string, unknown>, at: string, depth: number) => {
    for (const [key, value] of Object.entries(from)) {
      const echoed = to[key];
      if (value === null && echoed === '') {
        failures.push({
          check: 'null answered as ""',
          field: `${at}${key}`,
          detail: `${at}${key}: sent null, answered ""`,
        });
      } else if (depth < 3 && value && echoed && typeof value === 'object' && typeof echoed === 'object') {
        walk(value as Record<string, unknown>, echoed as Record<string, unknown>, `${at}${key}.`, depth + 1);
      }
    }
  };
  walk(sent, answered, '', 0);
  return failures;
}

export interface Finding {
  request: FuzzRequest;
  answer: RawAnswer;
  failures: Failure[];
}

/**
 * What tells one cause from another: the problem code when the body has one, else the start of
 * the body with digits blanked (Fastify's own JSON, an empty body).
 */
function signature({ answer, failures }: Finding, logged: string | undefined): string {
  const fields = failures.map((failure) => failure.field).filter(Boolean);
  if (fields.length) return `field ${[...new Set(fields)].join(', ')}`;
  // Different 500s share one problem code; what the server logged tells them apart.
  if (logged) return logged.slice(0, 60).replace(/\d{2,}/g, '0');
  const text = answer.body.toString('utf8');
  const code = /"code"\s*:\s*"([A-Za-z0-9_]+)"/.exec(text)?.[1];
  if (code) return code;
  return text ? JSON.stringify(text.slice(0, 32).replace(/\d+/g, '0')) : 'empty body';
}

/**
 * One paragraph per cause (the failed checks, the status, the answer's code or shape) with how
 * many requests and operations showed it and the first such request: enough to see what broke
 * and to send it again.
 */
export function summarise(
  findings: readonly Finding[],
  replay: string,
  serverLog: (answer: RawAnswer) => string | undefined = () => undefined,
): string {
  const groups = new Map<string, { count: number; operations: Set<string>; first: Finding }>();
  for (const finding of findings) {
    const checks = finding.failures.map((failure) => failure.check).join(' + ');
    const key = `${checks} | ${finding.answer.status} | ${signature(finding, serverLog(finding.answer))}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.operations.add(finding.request.operation);
    } else groups.set(key, { count: 1, operations: new Set([finding.request.operation]), first: finding });
  }
  const paragraphs = [...groups.entries()]
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([key, { count, operations, first }]) => {
      const { request, answer, failures } = first;
      const logged = serverLog(answer);
      return [
        `✗ ${key}: ${count} requests, ${operations.size} operations (${[...operations].slice(0, 3).join('; ')}${operations.size > 3 ? '; …' : ''})`,
        `    e.g. #${request.index} ${request.method} ${printable(request.target, 140)} as ${request.credential}; ${request.mutations.join(', ') || 'no mutation'}`,
        `    ${failures.map((failure) => failure.detail).join('; ')}; answer: ${printable(answer.body.toString('utf8'), 200) || '(empty)'}`,
        ...(logged ? [`    server log: ${printable(logged, 300)}`] : []),
      ].join('\n');
    });
  return `${findings.length} of the answers failed, ${groups.size} causes (${replay}):\n${paragraphs.join('\n')}`;
}

function printable(text: string, max: number): string {
  const escaped = JSON.stringify(text.slice(0, max * 2)).slice(1, -1);
  return escaped.length > max ? `${escaped.slice(0, max)}…(${text.length} chars)` : escaped;
}
