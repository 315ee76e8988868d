import { type CollectionInfo, isBulwarkError } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { collectionDeletion, fieldRemoval, type Pending } from './collection-losses.js';
import { Confirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { draftOf, type FieldDraft, fieldOf, newField } from './field-draft.js';
import { FieldEditor } from './field-editor.js';
import { RuleEditor } from './rule-editor.js';

const ACTIONS = ['list', 'view', 'create', 'update', 'delete'] as const;
type Rules = CollectionInfo['rules'];
const LOCKED: Rules = { list: null, view: null, create: null, update: null, delete: null };

interface Props {
  /** The collection edited, or undefined to create one. */
  saved: CollectionInfo | undefined;
  all: readonly CollectionInfo[];
  onDone: (name: string | undefined) => void;
}

/**
 * Creates or changes a collection: its name (new ones only), fields and five rules, each rule
 * checked as it is typed. Removing saved fields and deleting the collection ask first, naming
 * the fields or the collection and how many records lose values.
 */
export function CollectionEditor({ saved, all, onDone }: Props) {
  const [name, setName] = useState(saved?.name ?? '');
  const [fields, setFields] = useState<FieldDraft[]>(() => saved?.fields.map(draftOf) ?? [newField()]);
  const [rules, setRules] = useState<Rules>(saved?.rules ?? LOCKED);
  const [pending, setPending] = useState<Pending | null>(null);
  /** The server's answer for each rule at the last save, shown under that rule. */
  const [refusals, setRefusals] = useState<Record<string, string>>({});
  const saving = useAction();
  const { busy, message } = saving;
  const run = (task: () => Promise<void>) =>
    saving.run(async () => {
      setRefusals({});
      try {
        await task();
      } catch (error) {
        if (isBulwarkError(error)) {
          const rules = error.errors.filter((item) => item.field.startsWith('rules.'));
          setRefusals(Object.fromEntries(rules.map((item) => [item.field.slice(6), item.message])));
        }
        throw error;
      }
    });

  const definition = (): CollectionInfo => ({ name: name.trim(), fields: fields.map(fieldOf), rules });
  const confirmThen = (build: () => Promise<Pending>) =>
    run(async () => {
      setPending(await build());
    });

  const save = (event: Event) => {
    event.preventDefault();
    const body = definition();
    if (!saved) {
      run(async () => onDone((await client.collectionAdmin.create(body)).name));
      return;
    }
    const kept = new Set(fields.map((field) => field.saved));
    const removed = saved.fields.map((field) => field.name).filter((field) => !kept.has(field));
    const patch = (confirmDataLoss: boolean) => async () => {
      await client.collectionAdmin.update(saved.name, { fields: body.fields, rules, confirmDataLoss });
      onDone(saved.name);
    };
    if (removed.length === 0) {
      run(patch(false));
      return;
    }
    confirmThen(() => fieldRemoval(saved.name, removed, patch(true)));
  };

  const remove = () =>
    confirmThen(() =>
      collectionDeletion((saved as CollectionInfo).name, async () => {
        await client.collectionAdmin.remove((saved as CollectionInfo).name, { confirmDataLoss: true });
        onDone(undefined);
      }),
    );

  const draft = definition();
  const others = all.filter((collection) => collection.name !== saved?.name);
  return (
    <form class="collection-editor" onSubmit={save} aria-label={saved ? `Edit ${saved.name}` : 'New collection'}>
      {saved ? null : (
        <label>
          Collection name
          <input
            value={name}
            required
            aria-describedby="collection-name-hint"
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <small id="collection-name-hint">
            Lower-case letters, digits and _, starting with a letter, at most 40; field names alike.
          </small>
        </label>
      )}
      <h2>Fields</h2>
      {fields.map((field, index) => (
        <FieldEditor
          key={field.key}
          field={field}
          index={index}
          targets={all.map((collection) => collection.name)}
          onChange={(changed) => setFields(fields.map((item) => (item.key === field.key ? changed : item)))}
          onRemove={() => setFields(fields.filter((item) => item.key !== field.key))}
        />
      ))}
      <button type="button" class="secondary" onClick={() => setFields([...fields, newField()])}>
        Add a field
      </button>
      <h2>Rules</h2>
      {ACTIONS.map((action) => (
        <RuleEditor
          key={action}
          action={action}
          value={rules[action]}
          onChange={(rule) => setRules({ ...rules, [action]: rule })}
          draft={draft}
          all={others}
          refusal={refusals[action]}
        />
      ))}
      <ErrorMessage message={message} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {saved ? 'Save changes' : 'Create collection'}
        </button>
        {saved ? (
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            Delete collection {saved.name}
          </button>
        ) : null}
      </div>
      {pending ? (
        <Confirm
          title={pending.title}
          consequence={pending.consequence}
          action={pending.action}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const chosen = pending;
            setPending(null);
            run(chosen.run);
          }}
        />
      ) : null}
    </form>
  );
}
