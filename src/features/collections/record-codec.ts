import { appError, type FieldError } from '../../errors/index.js';
import { type CollectionDefinition, type FieldDefinition, SYSTEM_FIELDS } from './collection-definition.js';
import type { FieldCrypto } from './field-crypto.js';
import { convertFieldValue, zeroValue } from './field-values.js';

export type StoredRow = Record<string, string | number>;
export type PublicRecord = Record<string, unknown>;

/**
 * Turns a client body into stored column values: unknown fields and server-managed fields are
 * refused (no mass assignment), every value is checked against its field, required fields must
 * be present on create. Returns every problem at once.
 */
export function decodeBody(
  definition: CollectionDefinition,
  body: unknown,
  mode: 'create' | 'update',
): Record<string, string | number> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw appError('HTTP_VALIDATION', { fields: [{ field: 'body', code: 'type', message: 'must be a JSON object' }] });
  }
  const fields = new Map(definition.fields.map((f) => [f.name, f]));
  const problems: FieldError[] = [];
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = fields.get(name);
    if ((SYSTEM_FIELDS as readonly string[]).includes(name)) {
      problems.push({ field: name, code: 'server_managed', message: 'is set by the server and cannot be written' });
    } else if (!field) {
      problems.push({ field: name, code: 'unknown_field', message: 'is not a field of this collection' });
    } else {
      const converted = convertFieldValue(field, value);
      if (converted.ok) values[name] = converted.value;
      else problems.push(converted.error);
    }
  }
  for (const field of definition.fields) {
    const value = values[field.name];
    const isMissing =
      value === undefined
        ? mode === 'create'
        : value === zeroValue(field.type) && field.type !== 'number' && field.type !== 'bool';
    if (field.required && isMissing) problems.push({ field: field.name, code: 'required', message: 'is required' });
  }
  if (problems.length > 0) throw appError('HTTP_VALIDATION', { fields: problems, detail: 'The record is not valid.' });
  return values;
}

/** Encrypts the values of encrypted fields, bound to this record and field. */
export async function sealValues(
  definition: CollectionDefinition,
  recordId: string,
  values: Record<string, string | number>,
  crypto: FieldCrypto,
): Promise<Record<string, string | number>> {
  const sealed = { ...values };
  for (const field of definition.fields.filter((f) => f.encrypted)) {
    const value = values[field.name];
    if (value !== undefined && value !== '') {
      sealed[field.name] = await crypto.encrypt(String(value), {
        collection: definition.name,
        recordId,
        field: field.name,
      });
    }
  }
  return sealed;
}

/** What a client sees: hidden fields never, encrypted ones decrypted, bools and JSON restored. */
export async function encodeRecord(
  definition: CollectionDefinition,
  row: StoredRow,
  crypto: FieldCrypto,
): Promise<PublicRecord> {
  const out: PublicRecord = { id: row.id, created: row.created, updated: row.updated };
  for (const field of definition.fields) {
    if (field.hidden) continue;
    // Only decryption waits; plain values are converted in place (a list encodes every row).
    out[field.name] = field.encrypted
      ? restoreType(field, await decryptValue(definition, field, row, crypto))
      : restoreType(field, row[field.name] ?? zeroValue(field.type));
  }
  return out;
}

async function decryptValue(
  definition: CollectionDefinition,
  field: FieldDefinition,
  row: StoredRow,
  crypto: FieldCrypto,
): Promise<string | number> {
  const value = await crypto.decrypt(String(row[field.name] ?? zeroValue(field.type)), {
    collection: definition.name,
    recordId: String(row.id),
    field: field.name,
  });
  return value === '' && field.type === 'json' ? 'null' : value;
}

function restoreType(field: FieldDefinition, value: string | number): unknown {
  if (field.type === 'bool') return Number(value) === 1;
  if (field.type === 'number') return Number(value);
  if (field.type === 'json') return JSON.parse(String(value)) as unknown;
  return value;
}
