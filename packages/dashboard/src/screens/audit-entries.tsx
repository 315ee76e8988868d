import type { AuditPage } from '@bulwark/client';
import { localTime } from '../local-time.js';

/** Details as indented JSON, rendered as text: whatever a client put in them never becomes markup. */
const detailsText = (details: Record<string, unknown>) =>
  Object.keys(details).length === 0 ? '' : JSON.stringify(details, null, 2);

/** One page of audit entries and the pager under it. */
export function AuditEntries({ page, go }: { page: AuditPage; go: (page: number) => void }) {
  if (page.items.length === 0) return <p>No entry matches these filters.</p>;
  return (
    <>
      <div class="table-wrap">
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Actor</th>
              <th scope="col">Address</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((entry) => (
              <tr key={entry.id}>
                <td data-label="Time">
                  <time dateTime={entry.at} title={entry.at}>
                    {localTime(entry.at)}
                  </time>
                </td>
                <td data-label="Event">
                  <code>{entry.type}</code>
                </td>
                <td data-label="Actor">{entry.actor ?? '—'}</td>
                <td data-label="Address">{entry.ip ?? '—'}</td>
                <td data-label="Details">
                  <pre data-testid="audit-details">{detailsText(entry.details)}</pre>
                  {entry.requestId ? <small>Request {entry.requestId}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={page.page <= 1} onClick={() => go(page.page - 1)}>
          Newer
        </button>
        <span role="status">
          Page {page.page} of {Math.max(page.totalPages, 1)} ({page.totalItems} entries)
        </span>
        <button type="button" disabled={page.page >= page.totalPages} onClick={() => go(page.page + 1)}>
          Older
        </button>
      </nav>
    </>
  );
}
