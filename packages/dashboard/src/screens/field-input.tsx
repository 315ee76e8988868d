import type { Field } from './record-values.js';

interface Props {
  field: Field;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
}

/** What the field's definition adds to its label: required, hidden, encrypted. */
function notes(field: Field): string {
  const words = [field.type, field.required ? 'required' : '', field.hidden ? 'hidden from clients' : ''];
  if (field.encrypted) words.push('encrypted at rest');
  return words.filter(Boolean).join(', ');
}

/** One field's control, by its type; the label names the field and its constraints. */
export function FieldInput({ field, value, onChange }: Props) {
  const label = (
    <>
      {field.name} <span class="hint">({notes(field)})</span>
    </>
  );
  if (field.type === 'bool') {
    return (
      <label class="check">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
        {label}
      </label>
    );
  }
  const text = String(value);
  const input = (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value);
  if (field.type === 'select') {
    return (
      <label>
        {label}
        <select value={text} onChange={input}>
          <option value="">(none)</option>
          {(field.values ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
    );
  }
  if (field.type === 'json') {
    return (
      <label>
        {label}
        <textarea rows={4} value={text} onInput={input} spellcheck={false} />
      </label>
    );
  }
  // Preact types each input type apart, so one variable type is cast to one of them.
  const type = (
    field.type === 'number' ? 'number' : field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text'
  ) as 'text';
  const placeholder =
    field.type === 'date'
      ? '2026-12-31T12:00:00.000Z'
      : field.type === 'relation'
        ? `id of a record in ${field.collection ?? 'the related collection'}`
        : undefined;
  return (
    <label>
      {label}
      <input
        type={type}
        step={field.type === 'number' ? 'any' : undefined}
        value={text}
        placeholder={placeholder}
        onInput={input}
      />
    </label>
  );
}
