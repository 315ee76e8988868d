import { FIELD_TYPES, type FieldDraft, type FieldType } from './field-draft.js';

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
  const checkbox = (key: 'required' | 'unique' | 'hidden' | 'encrypted' | 'clientWritable') => (
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
        {field.type === 'file' ? (
          <>
            <label>
              Accepted types, one a line
              <textarea
                rows={2}
                placeholder="image/png"
                value={field.types}
                onInput={(event) => set({ types: event.currentTarget.value })}
              />
            </label>
            <label>
              Most files
              <input
                type="number"
                min="1"
                value={field.maxSelect}
                onInput={(event) => set({ maxSelect: event.currentTarget.value })}
              />
            </label>
            <label>
              Largest file (bytes)
              <input
                type="number"
                min="1"
                value={field.maxSizeBytes}
                onInput={(event) => set({ maxSizeBytes: event.currentTarget.value })}
              />
            </label>
          </>
        ) : null}
      </div>
      <div class="checks">
        {checkbox('required')}
        {checkbox('unique')}
        {checkbox('hidden')}
        {checkbox('encrypted')}
        {field.hidden ? checkbox('clientWritable') : null}
      </div>
      <button type="button" class="secondary" onClick={onRemove}>
        Remove field {label}
      </button>
    </fieldset>
  );
}
