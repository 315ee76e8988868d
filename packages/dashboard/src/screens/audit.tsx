import type { AuditQuery } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useLoad } from '../use-call.js';
import { AuditEntries } from './audit-entries.js';
import { Status } from './status.js';

const PAGE_SIZES = [20, 50, 100] as const;

/** The filters as typed in the form; empty means "any". */
interface Draft {
  event: string;
  actor: string;
  ip: string;
  from: string;
  to: string;
}

const EMPTY: Draft = { event: '', actor: '', ip: '', from: '', to: '' };

/** A `datetime-local` value is the browser's local time without a zone: sent as an ISO instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : '');

/** The form's filters as the server's query; blank fields are left out. */
function toQuery(draft: Draft): AuditQuery {
  const values = {
    event: draft.event.trim(),
    actor: draft.actor.trim(),
    ip: draft.ip.trim(),
    from: instant(draft.from),
    to: instant(draft.to),
  };
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}

/** The audit log, newest first: every filter the server offers, paging, and each entry's details as text. */
export function Audit() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [query, setQuery] = useState<AuditQuery>({});
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState<number>(PAGE_SIZES[0]);
  const { loaded } = useLoad(() => client.operations.audit({ ...query, page, perPage }), [query, page, perPage]);

  const field = (name: keyof Draft) => ({
    name,
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  const apply = (event: Event) => {
    event.preventDefault();
    setQuery(toQuery(draft));
    setPage(1);
  };
  const clear = () => {
    setDraft(EMPTY);
    setQuery({});
    setPage(1);
  };

  return (
    <main aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="toolbar" onSubmit={apply} aria-label="Filters">
        <label>
          Event type or family
          <input {...field('event')} placeholder="auth.login.failure or auth.*" autocomplete="off" />
        </label>
        <label>
          Actor (user id or system)
          <input {...field('actor')} autocomplete="off" />
        </label>
        <label>
          Address
          <input {...field('ip')} placeholder="203.0.113.5 or 2001:db8::7" autocomplete="off" />
        </label>
        <label>
          From (your local time)
          <input type="datetime-local" step={1} {...field('from')} />
        </label>
        <label>
          To (your local time)
          <input type="datetime-local" step={1} {...field('to')} />
        </label>
        <label>
          Per page
          <select
            name="perPage"
            value={String(perPage)}
            onChange={(event) => {
              setPerPage(Number(event.currentTarget.value));
              setPage(1);
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">Search</button>
          <button type="button" class="secondary" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
      <Status loaded={loaded} />
      {loaded.status === 'ready' ? <AuditEntries page={loaded.data} go={setPage} /> : null}
    </main>
  );
}
