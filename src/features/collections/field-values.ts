import type { FieldError } from '../../errors/index.js';
import { findUnstorableCharacter } from '../../lib/encoding/storable-text.js';
import type { FieldDefinition, FieldType } from './collection-definition.js';
import { matchesPattern } from './field-pattern.js';

/** Stored values are never NULL: each type has a zero value, which rules and filters rely on. */
export function zeroValue(type: FieldType): string | number {
  if (type === 'number' || type === 'bool') return 0;
  if (type === 'json') return 'null';
  return '';
}

/** Largest JSON value stored in one json field. */
export const MAX_JSON_FIELD_BYTES = 64 * 1024;
/** Longest text value when the field sets no `max`. */
export const DEFAULT_MAX_TEXT_LENGTH = 10_000;
const EMAIL = /^[^\s@"<>]{1,64}@[^\s@"<>]{1,255}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

type Converted = { ok: true; value: string | number } | { ok: false; error: FieldError };

const fail = (field: string, code: string, message: string): Converted => ({
  ok: false,
  error: { field, code, message },
});

/**
 * Checks one client value against its field and converts it to its stored form. Relation ids
 * are checked for existence by the caller (it needs the database).
 */
export function convertFieldValue(field: FieldDefinition, value: unknown): Converted {
  const { name } = field;
  switch (field.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(name, 'type', 'must be a number');
      if (field.min !== undefined && value < field.min) return fail(name, 'min', `must be at least ${field.min}`);
      if (field.max !== undefined && value > field.max) return fail(name, 'max', `must be at most ${field.max}`);
      return { ok: true, value };
    }
    case 'bool':
      return typeof value === 'boolean'
        ? { ok: true, value: value ? 1 : 0 }
        : fail(name, 'type', 'must be true or false');
    case 'json': {
      const text = JSON.stringify(value);
      if (text === undefined) return fail(name, 'type', 'must be JSON');
      if (Buffer.byteLength(text) > MAX_JSON_FIELD_BYTES)
        return fail(name, 'max', `must be at most ${MAX_JSON_FIELD_BYTES} bytes of JSON`);
      return { ok: true, value: text };
    }
    default:
      return convertText(field, value);
  }
}

function convertText(field: FieldDefinition, value: unknown): Converted {
  const { name } = field;
  if (typeof value !== 'string') return fail(name, 'type', 'must be a string');
  const unstorable = findUnstorableCharacter(value);
  if (unstorable) {
    return unstorable.problem === 'nul'
      ? fail(name, 'characters', 'must not contain the NUL character')
      : fail(name, 'characters', 'must be valid Unicode (it holds a lone surrogate)');
  }
  const length = [...value].length;
  const max = field.max ?? DEFAULT_MAX_TEXT_LENGTH;
  if (field.min !== undefined && length < field.min)
    return fail(name, 'min', `must be at least ${field.min} characters`);
  if (length > max) return fail(name, 'max', `must be at most ${max} characters`);
  if (value === '') return { ok: true, value };
  switch (field.type) {
    case 'email':
      return EMAIL.test(value)
        ? { ok: true, value: value.toLowerCase() }
        : fail(name, 'format', 'must be an email address');
    case 'url':
      return isHttpUrl(value) ? { ok: true, value } : fail(name, 'format', 'must be an http or https URL');
    case 'date':
      // Stored in one canonical UTC form so text comparison orders dates correctly.
      return isCalendarDate(value)
        ? { ok: true, value: new Date(value).toISOString() }
        : fail(name, 'format', 'must be an ISO 8601 date that exists (e.g. 2024-02-29 or 2024-02-29T12:00:00Z)');
    case 'select':
      return field.values?.includes(value)
        ? { ok: true, value }
        : fail(name, 'enum', `must be one of ${field.values?.join(', ')}`);
    default:
      return { ok: true, value };
  }
}

/**
 * The field's pattern, checked apart from the conversion so that it runs only for a caller the
 * rule admits (RE2 is linear, but linear in up to a megabyte is still work). Empty values are
 * "not set" and are not matched.
 */
export function patternProblem(field: FieldDefinition, value: string): FieldError | undefined {
  if (!field.pattern || value === '' || matchesPattern(field.pattern, value)) return undefined;
  return { field: field.name, code: 'pattern', message: 'does not match the required pattern' };
}

/**
 * An ISO 8601 date or date-time whose every part exists: `Date` would roll `2024-02-30` over to
 * March 1st and `T24:00` to the next day, storing a value the client never sent.
 */
function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  if (month === undefined || month < 1 || month > 12) return false;
  if (day === undefined || day < 1 || day > daysInMonth(year ?? 0, month)) return false;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return false;
  if ((offsetHour ?? 0) > 23 || (offsetMinute ?? 0) > 59) return false;
  return !Number.isNaN(Date.parse(value));
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Only http and https: `javascript:`, `data:` and friends become stored XSS in a client. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
