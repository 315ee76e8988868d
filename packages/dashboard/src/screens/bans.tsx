import type { BanInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { localTime } from '../local-time.js';
import { useAction, useLoad } from '../use-call.js';
import { Confirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { Status } from './status.js';

/** The addresses banned now on every instance, and lifting one early after a confirmation. */
export function Bans() {
  const { loaded, reload } = useLoad(() => client.operations.bans(), []);
  const [asked, setAsked] = useState<BanInfo | null>(null);
  const [lifted, setLifted] = useState<string | null>(null);
  const lift = useAction();

  // The dialog closes first: a refusal is shown on the screen, not behind the modal.
  const confirmLift = (ban: BanInfo) => {
    setAsked(null);
    lift.run(async () => {
      await client.operations.liftBan(ban.ip);
      setLifted(ban.ip);
      reload();
    });
  };

  return (
    <main aria-labelledby="bans-title">
      <h1 id="bans-title">Bans</h1>
      <p>
        Addresses refused on every route and every instance, most often for failed sign-ins. An IPv6 client is banned by
        its whole prefix.
      </p>
      {lifted ? (
        <p class="notice" role="status">
          The ban on {lifted} is lifted: its requests are served again.
        </p>
      ) : null}
      <ErrorMessage message={lift.message} />
      <Status loaded={loaded} />
      {loaded.status === 'ready' && loaded.data.length === 0 ? <p>No address is banned.</p> : null}
      {loaded.status === 'ready' && loaded.data.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Reason</th>
                <th scope="col">Since</th>
                <th scope="col">Until</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.map((ban) => (
                <tr key={ban.ip}>
                  <td>
                    <code>{ban.ip}</code>
                  </td>
                  <td>{ban.reason}</td>
                  <td>{localTime(ban.since)}</td>
                  <td>{localTime(ban.until)}</td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Lift ban on ${ban.ip}`}
                      onClick={() => setAsked(ban)}
                    >
                      Lift ban
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {asked ? (
        <Confirm
          title={`Lift the ban on ${asked.ip}?`}
          consequence={`Requests from ${asked.ip} are served again at once, on every instance, instead of being refused until ${localTime(asked.until)}.`}
          action="Lift ban"
          busy={lift.busy}
          onConfirm={() => confirmLift(asked)}
          onCancel={() => setAsked(null)}
        />
      ) : null}
    </main>
  );
}
