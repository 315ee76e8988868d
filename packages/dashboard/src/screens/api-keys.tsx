import type { ApiKeyInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction, useLoad } from '../use-call.js';
import { type Fresh, NewKeyForm, ShownOnce } from './api-key-create.js';
import { useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';

function state(key: ApiKeyInfo, now: number): string {
  if (key.revoked) return 'revoked';
  if (Date.parse(key.expires) <= now) return 'expired';
  return key.replacedBy ? `replaced; works until ${key.expires}` : 'active';
}

/**
 * The operator's own API keys: make one (shown once, with a copy button, kept only on screen),
 * rotate (the old key works for the server's overlap, stated after) and revoke (confirmed).
 */
export function ApiKeys() {
  const keys = useLoad(() => client.apiKeys.list(), []);
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [fresh, setFresh] = useState<Fresh | null>(null);

  /** Confirmed once: after a step-up the action runs again without asking a second time. */
  const confirmed = (title: string, consequence: string, action: string, go: () => Promise<void>) => {
    let asked = false;
    run(async () => {
      if (!asked && !(await confirm({ title, consequence, action }))) return;
      asked = true;
      await go();
      keys.reload();
    });
  };
  const rotate = (key: ApiKeyInfo) =>
    confirmed(
      `Rotate the key "${key.name}"?`,
      `A new key is made and shown once. The old key (${key.prefix}…) keeps working for the server's rotation overlap, then stops: put the new one in place before then.`,
      'Rotate key',
      async () => {
        const created = await client.apiKeys.rotate(key.id);
        const old = (await client.apiKeys.list()).find((item) => item.id === key.id);
        setFresh({
          key: created.key,
          name: created.apiKey.name,
          ...(old ? { overlap: `The old key (${key.prefix}…) keeps working until ${old.expires}.` } : {}),
        });
      },
    );
  const revoke = (key: ApiKeyInfo) =>
    confirmed(
      `Revoke the key "${key.name}"?`,
      `Anything using it (${key.prefix}…, scopes ${key.scopes.join(', ')}) is refused from now on. This cannot be undone.`,
      'Revoke key',
      () => client.apiKeys.revoke(key.id),
    );

  const now = Date.now();
  return (
    <main aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p>Your own keys, for scripts and servers. A key acts as you, within its scopes, until it expires.</p>
      {fresh ? <ShownOnce fresh={fresh} done={() => setFresh(null)} /> : null}
      <NewKeyForm
        created={(made) => {
          setFresh(made);
          keys.reload();
        }}
      />
      <h2>Your keys</h2>
      <Status loaded={keys.loaded} />
      <ErrorMessage message={message} />
      {keys.loaded.status === 'ready' && keys.loaded.data.length === 0 ? <p>No keys yet.</p> : null}
      {keys.loaded.status === 'ready' && keys.loaded.data.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.loaded.data.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}</code>
                  </td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{key.created}</td>
                  <td>{key.expires}</td>
                  <td>{key.lastUsed ?? 'never'}</td>
                  <td>{state(key, now)}</td>
                  <td>
                    {state(key, now) === 'active' ? (
                      <>
                        <button
                          type="button"
                          class="secondary row-action"
                          disabled={busy}
                          aria-label={`Rotate ${key.name}`}
                          onClick={() => rotate(key)}
                        >
                          Rotate
                        </button>
                        <button
                          type="button"
                          class="danger row-action"
                          disabled={busy}
                          aria-label={`Revoke ${key.name}`}
                          onClick={() => revoke(key)}
                        >
                          Revoke
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {dialog}
    </main>
  );
}
