import type { AdminUser, SessionsSummary } from '@bulwark/client';
import { useContext, useState } from 'preact/hooks';
import { client } from '../api.js';
import { SignedOutContext, useAction, useLoad } from '../use-call.js';
import { askOnce, useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';
import { UserDetail } from './user-detail.js';

const PER_PAGE = 20;
export const EVERYONE_ENDED = 'Every session has ended, yours included. Sign in again.';

/**
 * Users, for administrators: search by email prefix, pages, and one user's details and actions
 * (user-detail.tsx); the incident action that ends every session of everyone.
 */
export function Users() {
  const [query, setQuery] = useState({ email: '', page: 1 });
  const [draft, setDraft] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const users = useLoad(() => client.adminUsers.list({ ...query, perPage: PER_PAGE }), [query]);
  const search = (event: Event) => {
    event.preventDefault();
    setQuery({ email: draft.trim(), page: 1 });
  };
  const chosen = users.loaded.status === 'ready' ? users.loaded.data.items.find((user) => user.id === selected) : null;
  return (
    <main aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <form class="toolbar" onSubmit={search}>
        <label>
          Email starts with
          <input name="email" type="search" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <Status loaded={users.loaded} />
      {users.loaded.status === 'ready' ? (
        <>
          <UserTable items={users.loaded.data.items} selected={selected} select={setSelected} />
          <nav class="pager" aria-label="Pages">
            <button
              type="button"
              disabled={query.page <= 1}
              onClick={() => setQuery({ ...query, page: query.page - 1 })}
            >
              Previous page
            </button>
            <span role="status">
              Page {query.page} of {Math.max(users.loaded.data.totalPages, 1)} ({users.loaded.data.totalItems} users)
            </span>
            <button
              type="button"
              disabled={query.page >= users.loaded.data.totalPages}
              onClick={() => setQuery({ ...query, page: query.page + 1 })}
            >
              Next page
            </button>
          </nav>
        </>
      ) : null}
      {notice ? <p role="status">{notice}</p> : null}
      {chosen ? (
        <UserDetail
          key={chosen.id}
          user={chosen}
          changed={(outcome) => {
            setNotice(outcome);
            users.reload();
          }}
        />
      ) : null}
      <EndEveryone />
    </main>
  );
}

function UserTable({
  items,
  selected,
  select,
}: {
  items: AdminUser[];
  selected: string | null;
  select: (id: string) => void;
}) {
  if (items.length === 0) return <p>No users match.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Second factor</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((user) => (
            <tr key={user.id} aria-selected={user.id === selected}>
              <td>{user.email}</td>
              <td>{user.name ?? ''}</td>
              <td>{user.role}</td>
              <td>{user.disabled ? 'disabled' : 'active'}</td>
              <td>{user.mfaEnrolled ? 'yes' : 'no'}</td>
              <td>{user.created}</td>
              <td>
                <button
                  type="button"
                  class="secondary row-action"
                  aria-label={`Manage ${user.email}`}
                  onClick={() => select(user.id)}
                >
                  Manage
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const liveWords = ({ sessions, users }: SessionsSummary) =>
  `The ${sessions} ${sessions === 1 ? 'session or token family' : 'sessions and token families'} of ${users} ${users === 1 ? 'user' : 'users'}`;

/** Incident response: every user's sessions and token families end, the operator's own too. */
function EndEveryone() {
  const expired = useContext(SignedOutContext);
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const endAll = () => {
    const confirmed = askOnce(async () => {
      // Counted when asked: what ends is what is live at this moment.
      const live = await client.adminUsers.sessionsSummary();
      return confirm({
        title: 'End every session of everyone?',
        consequence: `${liveWords(live)} end at once, yours included: you are signed out and everyone must sign in again. API keys stay valid; revoke those per user.`,
        action: 'End every session',
      });
    });
    run(async () => {
      if (!(await confirmed())) return;
      await client.adminUsers.endEveryonesSessions();
      expired(EVERYONE_ENDED);
    });
  };
  return (
    <section class="danger-zone" aria-labelledby="incident-title">
      <h2 id="incident-title">Incident response</h2>
      <p>Signs everyone out everywhere, at once, for a suspected account or session compromise.</p>
      <button type="button" class="danger" disabled={busy} onClick={endAll}>
        End every session of everyone
      </button>
      <ErrorMessage message={message} />
      {dialog}
    </section>
  );
}
