import type { CollectionInfo } from '@bulwark/client';

type FieldInfo = CollectionInfo['fields'][number];
type FieldType = FieldInfo['type'];

const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'number',
  'bool',
  'email',
  'url',
  'date',
  'json',
  'select',
  'relation',
  'file',
];

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

interface Props {
  field: FieldDraft;
  index: number;
  /** Collections a relation may point to. */
  targets: readonly string[];
  onChange: (field: FieldDraft) => void;
  onRemove: () => void;
}

/** One field's row: every option with its own label, the name heading the group for screen readers. */
export function FieldEditor({ field, index, targets, onChange, onRemove }: Props) {
  const set = (change: Partial<FieldDraft>) => onChange({ ...field, ...change });
  const label = field.name || `new field ${index + 1}`;
  const checkbox = (key: 'required' | 'unique' | 'hidden' | 'encrypted') => (
    <label class="check">
      <input type="checkbox" checked={field[key]} onChange={(event) => set({ [key]: event.currentTarget.checked })} />
      {key}
    </label>
  );
  return (
    <fieldset class="field" data-testid={`field-${index}`}>
      <legend>Field {label}</legend>
      <div class="field-grid">
        <label>
          Name
          <input value={field.name} required onInput={(event) => set({ name: event.currentTarget.value })} />
        </label>
        <label>
          Type
          <select value={field.type} onChange={(event) => set({ type: event.currentTarget.value as FieldType })}>
            {FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min
          <input type="number" value={field.min} onInput={(event) => set({ min: event.currentTarget.value })} />
        </label>
        <label>
          Max
          <input type="number" value={field.max} onInput={(event) => set({ max: event.currentTarget.value })} />
        </label>
        <label>
          Pattern
          <input value={field.pattern} onInput={(event) => set({ pattern: event.currentTarget.value })} />
        </label>
        {field.type === 'select' ? (
          <label>
            Values, one a line
            <textarea rows={3} value={field.values} onInput={(event) => set({ values: event.currentTarget.value })} />
          </label>
        ) : null}
        {field.type === 'relation' ? (
          <label>
            Related collection
            <select value={field.collection} onChange={(event) => set({ collection: event.currentTarget.value })}>
              <option value="">Choose…</option>
              {['users', ...targets].map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <div class="checks">
        {checkbox('required')}
        {checkbox('unique')}
        {checkbox('hidden')}
        {checkbox('encrypted')}
      </div>
      <button type="button" class="secondary" onClick={onRemove}>
        Remove field {label}
      </button>
    </fieldset>
  );
}
