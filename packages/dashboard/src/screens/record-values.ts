import type { CollectionInfo } from '@bulwark/client';
import { InputError } from '../api.js';

export type Field = CollectionInfo['fields'][number];

/** What a form holds for one field: text for most, a flag for bool. */
export type Draft = Record<string, string | boolean>;

/** A record's value as the form shows it: never markup, JSON for structured values. */
export function draftOf(field: Field, value: unknown): string | boolean {
  if (field.type === 'bool') return value === true;
  if (value === null || value === undefined) return '';
  if (field.type === 'json') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : String(value);
}

/**
 * The body value for one field from the form. Empty means null (the server then applies
 * `required`); numbers and JSON are parsed here only to send the right type, and the server
 * validates everything again. Throws a message naming the field when the text cannot be read.
 */
export function bodyValue(field: Field, draft: string | boolean): unknown {
  if (field.type === 'bool') return draft === true;
  const text = String(draft);
  if (text.trim() === '') return null;
  if (field.type === 'number') {
    const number = Number(text);
    if (!Number.isFinite(number))
      throw new InputError(`${field.name}: "${text}" is not a number; enter one such as 42 or 3.5.`);
    return number;
  }
  if (field.type === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      throw new InputError(`${field.name}: not valid JSON; enter a value such as {"a": 1}, [1, 2] or "text".`);
    }
  }
  return text;
}

/** Fields a record form edits: file fields are uploaded on their own, after the record exists. */
export const formFields = (fields: Field[]) => fields.filter((field) => field.type !== 'file');

/** The files a record holds in one file field: none, one, or a list. */
export function filesIn(value: unknown): Array<{ id: string; name: string; type: string; size: number }> {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Array<{ id: string; name: string; type: string; size: number }>;
}
