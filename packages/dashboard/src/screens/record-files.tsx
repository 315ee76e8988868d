import type { CollectionInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { filesIn } from './record-values.js';

interface Props {
  collection: CollectionInfo;
  record: Record<string, unknown> & { id: string };
  /** The record as the server has it after an upload or delete. */
  onChanged: (record: Record<string, unknown>) => void;
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

/**
 * A record's files, per file field: download through a short-lived signed link, upload, delete.
 */
export function RecordFiles({ collection, record, onChanged }: Props) {
  const fileFields = collection.fields.filter((field) => field.type === 'file');
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [chosen, setChosen] = useState<Record<string, File | undefined>>({});
  if (fileFields.length === 0) return null;
  const records = client.collection(collection.name);
  const reload = async () => onChanged(await records.view(record.id));

  // A same-origin link with `download` saves the file even where the server would show it
  // inline (images): the dashboard stays where it is.
  const download = (field: string, file: { id: string; name: string }) =>
    run(async () => {
      const link = await records.fileLink(record.id, field, file.id);
      const anchor = document.createElement('a');
      anchor.href = link.url;
      anchor.download = file.name;
      anchor.click();
    });
  const upload = (event: Event, field: string) => {
    event.preventDefault();
    const file = chosen[field];
    if (!file) return;
    run(async () => {
      await records.uploadFile(record.id, field, file);
      setChosen({ ...chosen, [field]: undefined });
      await reload();
    });
  };
  const remove = (field: string, file: { id: string; name: string }) =>
    run(async () => {
      const confirmed = await confirm({
        title: `Delete the file ${file.name}?`,
        consequence: `It is removed from ${field} of record ${record.id} and from storage; links already given stop working.`,
        action: 'Delete file',
      });
      if (!confirmed) return;
      await records.deleteFile(record.id, field, file.id);
      await reload();
    });

  return (
    <>
      {fileFields.map((field) => (
        <fieldset key={field.name} class="files">
          <legend>
            {field.name} <span class="hint">(files: {(field.types ?? []).join(', ')})</span>
          </legend>
          <ul>
            {filesIn(record[field.name]).map((file) => (
              <li key={file.id}>
                <span>{file.name}</span>{' '}
                <span class="hint">
                  ({file.type}, {size(file.size)})
                </span>
                <button type="button" class="secondary" disabled={busy} onClick={() => download(field.name, file)}>
                  Download <span class="visually-hidden">{file.name}</span>
                </button>
                <button type="button" class="danger" disabled={busy} onClick={() => remove(field.name, file)}>
                  Delete <span class="visually-hidden">{file.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <form onSubmit={(event) => upload(event, field.name)}>
            <label>
              Add a file to {field.name}
              <input type="file" onChange={(e) => setChosen({ ...chosen, [field.name]: e.currentTarget.files?.[0] })} />
            </label>
            <button type="submit" disabled={busy || !chosen[field.name]}>
              Upload
            </button>
          </form>
        </fieldset>
      ))}
      <ErrorMessage message={message} />
      {dialog}
    </>
  );
}
