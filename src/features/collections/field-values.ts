import safeRegex from 'safe-regex2';
import type { FieldError } from '../../errors/index.js';
import type { FieldDefinition, FieldType } from './collection-definition.js';

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
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Refuses patterns with nested quantifiers (catastrophic backtracking) before they are stored. */
export function isSafePattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return false;
  }
  return safeRegex(pattern);
}

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
  const length = [...value].length;
  const max = field.max ?? DEFAULT_MAX_TEXT_LENGTH;
  if (field.min !== undefined && length < field.min)
    return fail(name, 'min', `must be at least ${field.min} characters`);
  if (length > max) return fail(name, 'max', `must be at most ${max} characters`);
  if (field.pattern && value !== '' && !new RegExp(field.pattern, 'u').test(value)) {
    return fail(name, 'pattern', 'does not match the required pattern');
  }
  if (value === '') return { ok: true, value };
  switch (field.type) {
    case 'email':
      return EMAIL.test(value)
        ? { ok: true, value: value.toLowerCase() }
        : fail(name, 'format', 'must be an email address');
    case 'url':
      return isHttpUrl(value) ? { ok: true, value } : fail(name, 'format', 'must be an http or https URL');
    case 'date': {
      if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))
        return fail(name, 'format', 'must be an ISO 8601 date');
      // Stored in one canonical UTC form so text comparison orders dates correctly.
      return { ok: true, value: new Date(value).toISOString() };
    }
    case 'select':
      return field.values?.includes(value)
        ? { ok: true, value }
        : fail(name, 'enum', `must be one of ${field.values?.join(', ')}`);
    default:
      return { ok: true, value };
  }
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
