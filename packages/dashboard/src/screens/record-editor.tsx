import type { CollectionInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { FieldInput } from './field-input.js';
import { RecordFiles } from './record-files.js';
import { bodyValue, type Draft, draftOf, filesIn, formFields } from './record-values.js';

type Row = Record<string, unknown> & { id: string };

interface Props {
  collection: CollectionInfo;
  /** The record to change, or null for a new one. */
  record: Row | null;
  /** After a save or delete: the list reloads. */
  onChanged: () => void;
  onClose: () => void;
}

/**
 * One record's form: every field but files (uploaded once the record exists), hidden fields
 * included (administrators write them). An update sends only the fields changed here.
 */
export function RecordEditor({ collection, record, onChanged, onClose }: Props) {
  const fields = formFields(collection.fields);
  const initial: Draft = Object.fromEntries(fields.map((field) => [field.name, draftOf(field, record?.[field.name])]));
  const [draft, setDraft] = useState<Draft>(initial);
  const [current, setCurrent] = useState<Row | null>(record);
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const records = client.collection(collection.name);

  const save = (event: Event) => {
    event.preventDefault();
    run(async () => {
      // A new record gets the fields filled in (the server applies its defaults to the rest); a
      // change sends the fields changed here, an emptied one as null.
      const changed = fields.filter((field) => (current ? draft[field.name] !== initial[field.name] : true));
      const entries = changed.map((field) => [field.name, bodyValue(field, draft[field.name] ?? '')] as const);
      const body = Object.fromEntries(current ? entries : entries.filter(([, value]) => value !== null));
      const saved = current ? await records.update(current.id, body) : await records.create(body);
      setCurrent(saved as Row);
      onChanged();
    });
  };

  const remove = () =>
    run(async () => {
      if (!current) return;
      const files = collection.fields.flatMap((field) => filesIn(current[field.name]));
      const fileWords = files.length === 0 ? '' : ` and its ${files.length} file${files.length === 1 ? '' : 's'}`;
      const confirmed = await confirm({
        title: `Delete record ${current.id} of ${collection.name}?`,
        consequence: `The record${fileWords} are removed for good; relations that point at it are left dangling.`,
        action: 'Delete record',
      });
      if (!confirmed) return;
      await records.delete(current.id);
      onChanged();
      onClose();
    });

  return (
    <section class="panel" aria-labelledby="record-editor-title">
      <h2 id="record-editor-title">{current ? `Record ${current.id}` : `New record in ${collection.name}`}</h2>
      <form onSubmit={save}>
        {fields.map((field) => (
          <FieldInput
            key={field.name}
            field={field}
            value={draft[field.name] ?? ''}
            onChange={(value) => setDraft({ ...draft, [field.name]: value })}
          />
        ))}
        <button type="submit" disabled={busy}>
          {current ? 'Save changes' : 'Create record'}
        </button>
        {current ? (
          <button type="button" class="danger" onClick={remove} disabled={busy}>
            Delete record
          </button>
        ) : null}
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </form>
      <ErrorMessage message={message} />
      {current ? (
        <RecordFiles collection={collection} record={current} onChanged={(row) => setCurrent(row as Row)} />
      ) : null}
      {dialog}
    </section>
  );
}
