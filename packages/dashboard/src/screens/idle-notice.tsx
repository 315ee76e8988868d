import { useContext, useEffect, useState } from 'preact/hooks';
import { lastRequestAt } from '../activity.js';
import { client } from '../api.js';
import { EXPIRED_NOTICE } from '../session.js';
import { SignedOutContext } from '../use-call.js';

const CHECK_EVERY_MS = 15_000;
const minutes = (ms: number) => Math.max(0, Math.ceil(ms / 60_000));

/**
 * The session's idle timeout (from the server), and how long is left since this tab's last
 * request. At zero the dashboard signs out itself, as the server will: nothing stays on screen.
 */
export function IdleNotice({ idleTimeoutSeconds }: { idleTimeoutSeconds: number }) {
  const expired = useContext(SignedOutContext);
  const [now, setNow] = useState(Date.now());
  // A request sent after the last tick would otherwise show more than the whole timeout.
  const left = Math.min(idleTimeoutSeconds * 1000, lastRequestAt() + idleTimeoutSeconds * 1000 - now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CHECK_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left <= 0) void client.auth.signOut().finally(() => expired(EXPIRED_NOTICE));
  }, [left, expired]);
  return (
    <span class="idle" data-testid="idle-timeout">
      Signs out after {minutes(idleTimeoutSeconds * 1000)} min idle ({minutes(left)} min left)
    </span>
  );
}
