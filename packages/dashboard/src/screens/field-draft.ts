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
  };
}

/** A saved field as a row of the form; options the form does not edit (file limits…) are kept. */
export function draftOf(field: FieldInfo): FieldDraft & { kept: FieldInfo } {
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
    kept: field,
  };
}

/** The definition the API receives: only options that are set; the server checks the rest. */
export function fieldOf(draft: FieldDraft & { kept?: FieldInfo }): FieldInfo {
  const { clientWritable, maxSelect, maxSizeBytes, types } = draft.kept ?? {};
  const values = draft.values.split('\n').filter((value) => value !== '');
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
    ...(clientWritable === undefined ? {} : { clientWritable }),
    ...(draft.type === 'file' && maxSelect !== undefined ? { maxSelect } : {}),
    ...(draft.type === 'file' && maxSizeBytes !== undefined ? { maxSizeBytes } : {}),
    ...(draft.type === 'file' && types !== undefined ? { types } : {}),
  };
}
