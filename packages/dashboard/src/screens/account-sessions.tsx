import type { SessionInfo } from '@bulwark/client';
import { client, InputError } from '../api.js';
import { localTime } from '../local-time.js';
import { type Loaded, useAction } from '../use-call.js';
import { askOnce, useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';

/** A session's device as the operator recognises it: its user agent (text someone else chose). */
const device = (session: SessionInfo) =>
  session.userAgent ?? (session.kind === 'bearer' ? 'a token sign-in without a user agent' : 'an unnamed browser');

interface Props {
  sessions: { loaded: Loaded<SessionInfo[]>; reload: () => void };
}

/**
 * My sessions and token families, this one marked; end one other, or every other at once, each
 * confirmed first naming the device or how many, counted from the server just then.
 */
export function AccountSessions({ sessions }: Props) {
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();

  const act = (ask: () => Promise<boolean>, go: () => Promise<unknown>) => {
    const confirmed = askOnce(ask);
    run(async () => {
      if (!(await confirmed())) return;
      await go();
      sessions.reload();
    });
  };
  const endOne = (session: SessionInfo) =>
    act(
      () =>
        confirm({
          title: `End the session of ${device(session)}?`,
          consequence: `The session from ${session.ip ?? 'an unknown address'}, signed in ${localTime(session.created)}, ends at once: that device must sign in again.`,
          action: 'End session',
        }),
      () => client.auth.revokeSession(session.id),
    );
  const endOthers = () =>
    act(
      async () => {
        const others = (await client.auth.listSessions()).filter((item) => !item.current).length;
        if (others === 0)
          throw new InputError('You have no other sessions: only this one is signed in, nothing to end.');
        return confirm({
          title: `End ${others === 1 ? 'your 1 other session' : `all ${others} of your other sessions`}?`,
          consequence: `${others === 1 ? 'It ends' : `All ${others} end`} at once, browsers and token sign-ins alike, on every device but this one: each must sign in again. This session stays.`,
          action: 'End other sessions',
        });
      },
      () => client.auth.revokeOtherSessions(),
    );

  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <Status loaded={sessions.loaded} />
      {sessions.loaded.status === 'ready' ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Device (user agent)</th>
                <th scope="col">Kind</th>
                <th scope="col">Address</th>
                <th scope="col">Created</th>
                <th scope="col">Last seen</th>
                <th scope="col">End</th>
              </tr>
            </thead>
            <tbody>
              {sessions.loaded.data.map((session) => (
                <tr key={session.id} aria-current={session.current ? 'true' : undefined}>
                  <td>
                    {session.current ? <strong>This session: </strong> : null}
                    {device(session)}
                  </td>
                  <td>{session.kind === 'cookie' ? 'browser' : 'token'}</td>
                  <td>{session.ip ?? ''}</td>
                  <td>{localTime(session.created)}</td>
                  <td>{localTime(session.lastSeen)}</td>
                  <td>
                    {session.current ? (
                      'Sign out above'
                    ) : (
                      <button
                        type="button"
                        class="danger"
                        disabled={busy}
                        aria-label={`End the session of ${device(session)}`}
                        onClick={() => endOne(session)}
                      >
                        End
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <button type="button" class="danger" disabled={busy} onClick={endOthers}>
        End all other sessions
      </button>
      <ErrorMessage message={message} />
      {dialog}
    </section>
  );
}
