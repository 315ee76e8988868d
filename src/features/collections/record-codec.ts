import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import type { FieldError } from '../../errors/index.js';
import { MAX_PROBLEM_ERRORS } from '../../http/problem.js';
import { type CollectionDefinition, type FieldDefinition, SYSTEM_FIELDS } from './collection-definition.js';
import type { FieldCrypto } from './field-crypto.js';
import { convertFieldValue, patternProblem, zeroValue } from './field-values.js';

export type StoredRow = Record<string, string | number>;
/** The system fields, as the records API's response schema (AnyRecord) promises them, then the visible fields. */
export type PublicRecord = { id: string; created: string; updated: string; [field: string]: unknown };

/** A body converted to column values, with what is wrong with it held back for later. */
export interface DecodedBody {
  /** Values that passed their field's checks (patterns aside); the rest are left out. */
  values: Record<string, string | number>;
  /** Everything wrong with the body found so far, for `errors[]`. */
  problems: FieldError[];
  /** Text values whose field has a pattern, matched only once the rule admits the caller. */
  patterned: Array<{ field: FieldDefinition; value: string }>;
}

/**
 * Turns a client body into stored column values: unknown fields, server-managed fields and
 * hidden fields (unless `clientWritable`, or the caller is an administrator) are refused (no
 * mass assignment), every value is checked against its field, required fields must be present
 * on create. Nothing is thrown: the records service checks the action's rule over the valid
 * values first, so a caller the rule refuses learns nothing from the body's problems.
 */
export function decodeBody(
  definition: CollectionDefinition,
  body: unknown,
  mode: 'create' | 'update',
  caller: { isAdmin: boolean },
): DecodedBody {
  const decoded: DecodedBody = { values: {}, problems: [], patterned: [] };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    decoded.problems.push({ field: 'body', code: 'type', message: 'must be a JSON object' });
    return decoded;
  }
  const fields = new Map(definition.fields.map((f) => [f.name, f]));
  let refusedKeys = 0;
  for (const name in body) {
    if (!Object.hasOwn(body, name)) continue;
    const value = (body as Record<string, unknown>)[name];
    const field = fields.get(name);
    const refusal = writeRefusal(name, field, caller);
    if (refusal || !field) {
      decoded.problems.push(
        refusal ?? { field: name, code: 'unknown_field', message: 'is not a field of this collection' },
      );
      // Stop once an answer's worth of keys is refused: a body of 80,000 unknown keys must not
      // cost 80,000 checks and error objects (error amplification).
      if (++refusedKeys >= MAX_PROBLEM_ERRORS) break;
      continue;
    }
    const converted = convertFieldValue(field, value);
    if (!converted.ok) {
      decoded.problems.push(converted.error);
      continue;
    }
    decoded.values[name] = converted.value;
    if (field.pattern && typeof value === 'string') decoded.patterned.push({ field, value });
  }
  for (const field of definition.fields) {
    // Own properties only: a field named `constructor` left out of the body is missing, not
    // Object.prototype.constructor.
    const value = Object.hasOwn(decoded.values, field.name) ? decoded.values[field.name] : undefined;
    if (field.required && isMissing(field, value, mode)) {
      decoded.problems.push({ field: field.name, code: 'required', message: 'is required' });
    }
  }
  return decoded;
}

/** The body's problems together with its pattern mismatches: the full `errors[]` of a write. */
export function valueProblems(decoded: DecodedBody): FieldError[] {
  const mismatches = decoded.patterned.flatMap(({ field, value }) => patternProblem(field, value) ?? []);
  return [...decoded.problems, ...mismatches];
}

/** System columns, and hidden fields not marked `clientWritable`, are the server's to set. */
function writeRefusal(
  name: string,
  field: FieldDefinition | undefined,
  caller: { isAdmin: boolean },
): FieldError | undefined {
  if ((SYSTEM_FIELDS as readonly string[]).includes(name)) {
    return { field: name, code: 'server_managed', message: 'is set by the server and cannot be written' };
  }
  // File ids are the server's to set: a client naming another record's file id would otherwise
  // claim its bytes (and its record's view rule would stop protecting them).
  if (field?.type === 'file') {
    return {
      field: name,
      code: 'server_managed',
      message: `is a file field: upload with POST …/records/:id/files/${name} (multipart)`,
    };
  }
  if (field?.hidden && !field.clientWritable && !caller.isAdmin) {
    return { field: name, code: 'server_managed', message: 'is a hidden field that only administrators may set' };
  }
  return undefined;
}

function isMissing(field: FieldDefinition, value: string | number | undefined, mode: 'create' | 'update'): boolean {
  if (value === undefined) return mode === 'create';
  return value === zeroValue(field.type) && field.type !== 'number' && field.type !== 'bool';
}

/** Encrypts the values of encrypted fields, bound to this record and field. */
export async function sealValues(
  definition: CollectionDefinition,
  recordId: string,
  values: Record<string, string | number>,
  crypto: FieldCrypto,
  /** The write's own handle (see FieldCrypto.encrypt). */
  handle?: Kysely<DatabaseTables>,
): Promise<Record<string, string | number>> {
  const sealed = { ...values };
  for (const field of definition.fields.filter((f) => f.encrypted)) {
    const value = values[field.name];
    if (value !== undefined && value !== '') {
      sealed[field.name] = await crypto.encrypt(
        String(value),
        {
          collection: definition.name,
          recordId,
          field: field.name,
        },
        handle,
      );
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
  // System columns are NOT NULL text (table-migrator.ts): String() only tells the type so.
  const out: PublicRecord = { id: String(row.id), created: String(row.created), updated: String(row.updated) };
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
  if (field.type === 'file') return restoreFiles(field, String(value));
  return value;
}

/**
 * A file field's column holds the JSON list of its files' public descriptions
 * (`[{id, name, type, size}]`, written only by the files feature): a list for a multiple field,
 * one object or null for a single one (`maxSelect` 1, the default).
 */
function restoreFiles(field: FieldDefinition, stored: string): unknown {
  const files = stored === '' ? [] : (JSON.parse(stored) as unknown[]);
  return (field.maxSelect ?? 1) > 1 ? files : (files[0] ?? null);
}
