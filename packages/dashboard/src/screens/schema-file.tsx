import type { SchemaApplyResult } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client, InputError } from '../api.js';
import { useAction } from '../use-call.js';
import { useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';

/** The plan of an apply, in words: what is added, removed and changed. */
function planLines(result: SchemaApplyResult): string[] {
  const { added, removed, changed } = result.plan;
  const lines = [
    ...added.map((name) => `add collection ${name}`),
    ...removed.map((name) => `remove collection ${name}`),
    ...changed.map((change) => {
      const parts = [
        ...change.fieldsAdded.map((field) => `add field ${field}`),
        ...change.fieldsDropped.map((field) => `drop field ${field}`),
        ...change.fieldsChanged.map((field) => `change ${field.name} (${field.options.join(', ')})`),
        ...(change.fieldsReordered ? ['reorder fields'] : []),
        ...(change.rulesChanged.length > 0 ? [`change rules ${change.rulesChanged.join(', ')}`] : []),
      ];
      return `${change.name}: ${parts.join('; ')}`;
    }),
  ];
  return lines.length > 0 ? lines : ['nothing: the server already matches this file'];
}

const lossWords = (result: SchemaApplyResult) =>
  result.dataLoss
    .map(
      (loss) =>
        `${loss.count} ${loss.field ? `values of ${loss.collection}.${loss.field}` : `records of ${loss.collection}`}`,
    )
    .join(', ');

/**
 * Schema as code: download every definition as one file, or apply one. An apply is first run as
 * a dry run, whose plan is shown; one that deletes data asks first, naming what is lost.
 */
export function SchemaFile({ onApplied }: { onApplied: () => void }) {
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<string[] | null>(null);

  const download = () =>
    run(async () => {
      const document = await client.collectionAdmin.exportSchema();
      const anchor = window.document.createElement('a');
      anchor.href = URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }));
      anchor.download = 'bulwark-schema.json';
      anchor.click();
      URL.revokeObjectURL(anchor.href);
    });

  const apply = (event: Event) => {
    event.preventDefault();
    run(async () => {
      setOutcome(null);
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new InputError(
          'The schema file is not valid JSON: paste the whole file, as downloaded here or written by `bulwark schema export`.',
        );
      }
      const plan = await client.collectionAdmin.applySchema(document, { dryRun: true });
      const lines = planLines(plan);
      const losing = plan.dataLoss.length > 0;
      const confirmed = await confirm({
        title: losing ? 'Apply this schema file and delete data?' : 'Apply this schema file?',
        consequence: `It will ${lines.join('; ')}.${losing ? ` Deleted for good: ${lossWords(plan)}.` : ''}`,
        action: losing ? 'Apply and delete data' : 'Apply',
      });
      if (!confirmed) return;
      const result = await client.collectionAdmin.applySchema(document, { confirmDataLoss: losing });
      setOutcome([`${result.status}:`, ...planLines(result)]);
      onApplied();
    });
  };

  return (
    <section class="panel" aria-labelledby="schema-file-title">
      <h2 id="schema-file-title">Schema file</h2>
      <p>
        Every definition as one JSON file, the same as <code>bulwark schema export</code>; applying one makes the
        collections match it in one transaction.
      </p>
      <button type="button" class="secondary" onClick={download} disabled={busy}>
        Download schema file
      </button>
      <form onSubmit={apply}>
        <label>
          Schema file to apply (paste its JSON)
          <textarea rows={8} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy || text.trim() === ''}>
          Review and apply
        </button>
      </form>
      {outcome ? (
        <ul role="status" aria-label="Applied">
          {outcome.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage message={message} />
      {dialog}
    </section>
  );
}
