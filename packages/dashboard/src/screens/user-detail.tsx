import type { AdminUser } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction, useLoad } from '../use-call.js';
import { askOnce, useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';

const sessionsText = (count: number) => (count === 1 ? '1 session' : `${count} sessions`);

/**
 * One user: role, disable or enable, delete, and its sessions. Every change that ends something
 * is confirmed first, naming the user and how many sessions end, counted from the server just then.
 */
export function UserDetail({ user, changed }: { user: AdminUser; changed: (outcome: string) => void }) {
  const sessions = useLoad(() => client.adminUsers.sessions(user.id), [user.id, user.role, user.disabled]);
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [role, setRole] = useState(user.role);

  /**
   * Asks (with the session count as it is now), then acts. Asked once: when the server wants a
   * step-up first, the action runs again after it without asking a second time.
   */
  const act = (
    title: string,
    consequence: (count: string) => string,
    action: string,
    go: () => Promise<unknown>,
    outcome: string,
  ) => {
    const confirmed = askOnce(async () => {
      const count = sessionsText((await client.adminUsers.sessions(user.id)).length);
      return confirm({ title, consequence: consequence(count), action });
    });
    run(async () => {
      if (!(await confirmed())) return;
      await go();
      changed(outcome);
      sessions.reload();
    });
  };
  const ends = (count: string) =>
    `Their ${count} and token families end at once and their API keys are revoked, on every instance.`;

  const changeRole = (event: Event) => {
    event.preventDefault();
    const wanted = role;
    act(
      `Make ${user.email} ${wanted === 'admin' ? 'an administrator' : 'a user'}?`,
      (count) => `A role change is a privilege change. ${ends(count)} They must sign in again.`,
      'Change role',
      () => client.adminUsers.update(user.id, { role: wanted }),
      `${user.email} is now ${wanted === 'admin' ? 'an administrator' : 'a user'}.`,
    );
  };
  const disable = () =>
    act(
      `Disable ${user.email}?`,
      (count) => `${ends(count)} They cannot sign in until enabled again.`,
      'Disable user',
      () => client.adminUsers.update(user.id, { disabled: true }),
      `${user.email} is disabled.`,
    );
  const enable = () =>
    run(async () => {
      await client.adminUsers.update(user.id, { disabled: false });
      changed(`${user.email} is enabled.`);
    });
  const remove = () =>
    act(
      `Delete user ${user.email}?`,
      (count) =>
        `Their ${count} and token families end at once, and their account, second factors and API keys are removed. This cannot be undone.`,
      'Delete user',
      () => client.adminUsers.remove(user.id),
      `${user.email} is deleted.`,
    );
  const endSessions = () =>
    act(
      `End all sessions of ${user.email}?`,
      (count) => `${ends(count)} They must sign in again.`,
      'End all sessions',
      () => client.adminUsers.endSessions(user.id),
      `Every session of ${user.email} has ended.`,
    );

  return (
    <section class="detail" aria-labelledby="user-title">
      <h2 id="user-title">{user.email}</h2>
      <form class="toolbar" onSubmit={changeRole}>
        <label>
          Role
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as AdminUser['role'])}>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" disabled={busy || role === user.role}>
          Change role
        </button>
      </form>
      <p>
        {user.disabled ? (
          <button type="button" disabled={busy} onClick={enable}>
            Enable user
          </button>
        ) : (
          <button type="button" class="danger" disabled={busy} onClick={disable}>
            Disable user
          </button>
        )}
        <button type="button" class="danger" disabled={busy} onClick={remove}>
          Delete user
        </button>
      </p>
      <ErrorMessage message={message} />
      <h3>Sessions</h3>
      <Status loaded={sessions.loaded} />
      {sessions.loaded.status === 'ready' ? (
        sessions.loaded.data.length === 0 ? (
          <p>No sessions.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Address</th>
                  <th scope="col">User agent</th>
                </tr>
              </thead>
              <tbody>
                {sessions.loaded.data.map((session) => (
                  <tr key={session.id}>
                    <td>{session.kind}</td>
                    <td>{session.created}</td>
                    <td>{session.lastSeen}</td>
                    <td>{session.expires}</td>
                    <td>{session.ip ?? ''}</td>
                    <td>{session.userAgent ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <button type="button" class="danger" disabled={busy} onClick={endSessions}>
        End all sessions of this user
      </button>
      {dialog}
    </section>
  );
}
