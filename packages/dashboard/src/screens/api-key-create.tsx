import type { ApiKeyScope } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { ErrorMessage } from './error-message.js';

/** Shown once: the key itself, and (after a rotation) until when the old one still works. */
export interface Fresh {
  key: string;
  name: string;
  overlap?: string;
}

/** Every scope a key may hold, with what it allows; typed so a scope the server adds is missed by tsc. */
const SCOPES = {
  'profile:read': 'read my profile',
  'records:read': 'read records',
  'records:write': 'write records',
  'files:read': 'download files',
  'files:write': 'upload files',
  admin: 'administrator routes',
} satisfies Record<ApiKeyScope, string>;

const DAY = 86_400;
const LIFETIMES = [
  { label: '1 day', seconds: DAY },
  { label: '7 days', seconds: 7 * DAY },
  { label: '30 days', seconds: 30 * DAY },
  { label: '90 days', seconds: 90 * DAY },
  { label: '365 days', seconds: 365 * DAY },
];

/** Name, scopes and expiry (keys always expire; the server caps how long). */
export function NewKeyForm({ created }: { created: (fresh: Fresh) => void }) {
  const { busy, message, run } = useAction();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [lifetime, setLifetime] = useState(30 * DAY);
  const toggle = (scope: ApiKeyScope, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((item) => item !== scope)));
  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const made = await client.apiKeys.create({ name: name.trim(), scopes, expiresInSeconds: lifetime });
      setName('');
      setScopes([]);
      created({ key: made.key, name: made.apiKey.name });
    });
  };
  return (
    <form class="detail" onSubmit={submit} aria-labelledby="new-key-title">
      <h2 id="new-key-title">New key</h2>
      <label>
        Name
        <input name="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Scopes</legend>
        {(Object.keys(SCOPES) as ApiKeyScope[]).map((scope) => (
          <label key={scope} class="check">
            <input
              type="checkbox"
              name="scopes"
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(e) => toggle(scope, e.currentTarget.checked)}
            />
            <code>{scope}</code> ({SCOPES[scope]})
          </label>
        ))}
      </fieldset>
      <label>
        Expires after
        <select name="expires" value={lifetime} onChange={(e) => setLifetime(Number(e.currentTarget.value))}>
          {LIFETIMES.map((item) => (
            <option key={item.seconds} value={item.seconds}>
              {item.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy || scopes.length === 0}>
        Create key
      </button>
      <ErrorMessage message={message} />
    </form>
  );
}

/** The key itself, only in this component's state: never in storage, gone once dismissed. */
export function ShownOnce({ fresh, done }: { fresh: Fresh; done: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(fresh.key).then(
      () => setCopied('Copied.'),
      () => setCopied('The browser refused the clipboard: select the key and copy it.'),
    );
  return (
    <section class="detail notice-key" aria-labelledby="fresh-title">
      <h2 id="fresh-title">Copy the key "{fresh.name}" now</h2>
      <p>It is shown only this once; Bulwark keeps only its hash.</p>
      <p>
        <code data-testid="new-key">{fresh.key}</code>
      </p>
      {fresh.overlap ? <p>{fresh.overlap}</p> : null}
      <button type="button" onClick={copy}>
        Copy key
      </button>
      <button type="button" class="secondary" onClick={done}>
        Done, hide it
      </button>
      {copied ? <p role="status">{copied}</p> : null}
    </section>
  );
}
