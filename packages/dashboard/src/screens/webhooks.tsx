import type { CreatedWebhook, WebhookInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { linkTo } from '../router.js';
import { useAction, useLoad } from '../use-call.js';
import { Confirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';
import { WebhookForm } from './webhook-form.js';

/** Every webhook, a form to add one (its secret shown once), and deletion after confirmation. */
export function Webhooks() {
  const { loaded, reload } = useLoad(() => client.webhooks.list(), []);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [deleting, setDeleting] = useState<WebhookInfo | null>(null);
  const removal = useAction();

  // Read again when asked: deliveries are sent and queued all the time, and the count is what is lost.
  const askToDelete = (hook: WebhookInfo) =>
    removal.run(async () => {
      setDeleting(await client.webhooks.get(hook.id));
    });

  const remove = (hook: WebhookInfo) =>
    removal.run(async () => {
      await client.webhooks.remove(hook.id);
      setDeleting(null);
      reload();
    });

  return (
    <main aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p>Signed POSTs to your endpoints when records change or security events happen.</p>
      {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : null}
      <WebhookForm
        onCreated={(hook) => {
          setCreated(hook);
          reload();
        }}
      />
      <h2>Registered</h2>
      <Status loaded={loaded} />
      <ErrorMessage message={removal.message} />
      {loaded.status === 'ready' && loaded.data.length === 0 ? <p>No webhooks yet.</p> : null}
      {loaded.status === 'ready' && loaded.data.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
                <th scope="col">Pending</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((hook) => (
                <tr key={hook.id}>
                  <td data-testid="webhook-url">{hook.url}</td>
                  <td>{hook.events.join(', ')}</td>
                  <td>{new Date(hook.created).toLocaleString()}</td>
                  <td>{hook.pendingDeliveries}</td>
                  <td class="row-actions">
                    <a {...linkTo(`webhooks/${hook.id}`)}>
                      Deliveries<span class="visually-hidden"> of {hook.url}</span>
                    </a>{' '}
                    <button
                      type="button"
                      class="danger"
                      onClick={() => askToDelete(hook)}
                      aria-label={`Delete ${hook.url}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deleting ? (
        <Confirm
          title={`Delete the webhook to ${deleting.url}?`}
          consequence={`${pendingWords(deleting.pendingDeliveries)} its delivery log is removed, and no further events go to this URL.`}
          action="Delete webhook"
          busy={removal.busy}
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </main>
  );
}

function pendingWords(pending: number): string {
  if (pending === 0) return 'No delivery is waiting to be sent;';
  return `${pending} ${pending === 1 ? 'delivery waiting to be sent is' : 'deliveries waiting to be sent are'} dropped and never sent,`;
}

/** The signing secret, shown only in the answer to the create: the server never shows it again. */
function SecretOnce({ created, onDone }: { created: CreatedWebhook; onDone: () => void }) {
  return (
    <section class="notice" aria-labelledby="secret-title">
      <h2 id="secret-title">Store this signing secret now</h2>
      <p>
        The webhook to <strong>{created.url}</strong> signs every delivery with this secret. It is shown only once.
      </p>
      <dl class="secret">
        <dt>Signing secret</dt>
        <dd>
          <code data-testid="webhook-secret">{created.secret}</code>
        </dd>
      </dl>
      <button type="button" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}
