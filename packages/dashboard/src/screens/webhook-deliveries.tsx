import type { DeliveryInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { linkTo } from '../router.js';
import { useLoad } from '../use-call.js';
import { Status } from './status.js';

const PER_PAGE = 30;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** What the last attempt got: the receiver's HTTP status, or why there was none. */
const response = (delivery: DeliveryInfo) =>
  delivery.lastStatus !== null ? String(delivery.lastStatus) : (delivery.lastError ?? '—');

/** One webhook's delivery log, newest first: status, attempts, response, latency, next retry. */
export function WebhookDeliveries({ id }: { id: string }) {
  const hook = useLoad(() => client.webhooks.get(id), [id]);
  const [page, setPage] = useState(1);
  const log = useLoad(() => client.webhooks.deliveries(id, { page, perPage: PER_PAGE }), [id, page]);
  return (
    <main aria-labelledby="deliveries-title">
      <p>
        <a {...linkTo('webhooks')}>Webhooks</a> /
      </p>
      <h1 id="deliveries-title">Deliveries</h1>
      <Status loaded={hook.loaded} />
      {hook.loaded.status === 'ready' ? (
        <p>
          To <strong data-testid="deliveries-url">{hook.loaded.data.url}</strong> for{' '}
          {hook.loaded.data.events.join(', ')}
        </p>
      ) : null}
      <button type="button" class="secondary" onClick={log.reload}>
        Refresh
      </button>
      <Status loaded={log.loaded} />
      {log.loaded.status === 'ready' && log.loaded.data.items.length === 0 ? <p>No deliveries yet.</p> : null}
      {log.loaded.status === 'ready' && log.loaded.data.items.length > 0 ? (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Response</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Next retry</th>
                  <th scope="col">Queued</th>
                </tr>
              </thead>
              <tbody>
                {log.loaded.data.items.map((delivery) => (
                  <tr key={delivery.id}>
                    <td>{delivery.event}</td>
                    <td>{delivery.status}</td>
                    <td>{delivery.attempts}</td>
                    <td>{response(delivery)}</td>
                    <td>{delivery.latencyMs === null ? '—' : `${delivery.latencyMs} ms`}</td>
                    <td>{when(delivery.nextAttempt)}</td>
                    <td>{when(delivery.created)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous page
            </button>
            <span role="status">
              Page {page} of {Math.max(log.loaded.data.totalPages, 1)} ({log.loaded.data.totalItems} deliveries)
            </span>
            <button type="button" disabled={page >= log.loaded.data.totalPages} onClick={() => setPage(page + 1)}>
              Next page
            </button>
          </nav>
        </>
      ) : null}
    </main>
  );
}
