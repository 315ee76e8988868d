import type { CollectionInfo } from '@bulwark/client';
import type { FieldType } from '@bulwark/rule-check';

/* A field as the form holds it, and the conversions to and from the API's definition. */

type FieldInfo = CollectionInfo['fields'][number];

export { FIELD_TYPES, type FieldType } from '@bulwark/rule-check';

/** A field as the form holds it: numbers and lists as the text typed, so half-typed values survive. */
export interface FieldDraft {
  /** Stable across edits, for Preact's keys and the labels' ids. */
  key: number;
  /** The saved field this row edits, or undefined for a new one (removing a saved one loses data). */
  saved: string | undefined;
  name: string;
  type: FieldType;
  required: boolean;
  unique: boolean;
  hidden: boolean;
  encrypted: boolean;
  min: string;
  max: string;
  pattern: string;
  /** A select field's values, one a line. */
  values: string;
  collection: string;
  /** With hidden: callers the create/update rule admits may write it too. */
  clientWritable: boolean;
  /** A file field's accepted MIME types, one a line; its most files and largest size, as typed. */
  types: string;
  maxSelect: string;
  maxSizeBytes: string;
}

let nextKey = 1;

export function newField(): FieldDraft {
  return {
    key: nextKey++,
    saved: undefined,
    name: '',
    type: 'text',
    required: false,
    unique: false,
    hidden: false,
    encrypted: false,
    min: '',
    max: '',
    pattern: '',
    values: '',
    collection: '',
    clientWritable: false,
    types: '',
    maxSelect: '',
    maxSizeBytes: '',
  };
}

/** A saved field as a row of the form. */
export function draftOf(field: FieldInfo): FieldDraft {
  return {
    ...newField(),
    saved: field.name,
    name: field.name,
    type: field.type,
    required: field.required ?? false,
    unique: field.unique ?? false,
    hidden: field.hidden ?? false,
    encrypted: field.encrypted ?? false,
    min: field.min === undefined ? '' : String(field.min),
    max: field.max === undefined ? '' : String(field.max),
    pattern: field.pattern ?? '',
    values: (field.values ?? []).join('\n'),
    collection: field.collection ?? '',
    clientWritable: field.clientWritable ?? false,
    types: (field.types ?? []).join('\n'),
    maxSelect: field.maxSelect === undefined ? '' : String(field.maxSelect),
    maxSizeBytes: field.maxSizeBytes === undefined ? '' : String(field.maxSizeBytes),
  };
}

/** The definition the API receives: only options that are set; the server checks the rest. */
export function fieldOf(draft: FieldDraft): FieldInfo {
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
  const values = lines(draft.values);
  const file = draft.type === 'file';
  return {
    name: draft.name.trim(),
    type: draft.type,
    ...(draft.required ? { required: true } : {}),
    ...(draft.unique ? { unique: true } : {}),
    ...(draft.hidden ? { hidden: true } : {}),
    ...(draft.encrypted ? { encrypted: true } : {}),
    ...(draft.min.trim() ? { min: Number(draft.min) } : {}),
    ...(draft.max.trim() ? { max: Number(draft.max) } : {}),
    ...(draft.pattern ? { pattern: draft.pattern } : {}),
    ...(draft.type === 'select' ? { values } : {}),
    ...(draft.type === 'relation' ? { collection: draft.collection } : {}),
    ...(draft.hidden && draft.clientWritable ? { clientWritable: true } : {}),
    ...(file && draft.types.trim() ? { types: lines(draft.types).map((type) => type.trim()) } : {}),
    ...(file && draft.maxSelect.trim() ? { maxSelect: Number(draft.maxSelect) } : {}),
    ...(file && draft.maxSizeBytes.trim() ? { maxSizeBytes: Number(draft.maxSizeBytes) } : {}),
  };
}
