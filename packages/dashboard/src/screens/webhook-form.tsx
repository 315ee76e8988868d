import type { CreatedWebhook } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { ErrorMessage } from './error-message.js';

/** Event names or families, separated by commas or spaces: `record.*, user.created`. */
const eventsOf = (text: string) => text.split(/[\s,]+/).filter((item) => item !== '');

/** Registers a webhook; a URL the server refuses (an internal address) shows the server's reason. */
export function WebhookForm({ onCreated }: { onCreated: (created: CreatedWebhook) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('record.*');
  const [secret, setSecret] = useState('');
  const { busy, message, run } = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const created = await client.webhooks.create({
        url: url.trim(),
        events: eventsOf(events),
        ...(secret.trim() ? { secret: secret.trim() } : {}),
      });
      setUrl('');
      setSecret('');
      onCreated(created);
    });
  };

  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">New webhook</h2>
      <label>
        Endpoint URL
        <input
          name="url"
          type="url"
          required
          placeholder="https://hooks.example.com/bulwark"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </label>
      <label>
        Events (comma-separated: record.created, record.*, user.*)
        <input name="events" required value={events} onInput={(e) => setEvents(e.currentTarget.value)} />
      </label>
      <label>
        Signing secret (optional: leave empty and the server generates one)
        <input
          name="secret"
          autocomplete="off"
          placeholder="whsec_…"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Create webhook
      </button>
      <ErrorMessage message={message} />
    </form>
  );
}
