import { client } from '../api.js';
import { useLoad } from '../use-call.js';

/** When this browser session ends at the latest, from the server's own list of my sessions. */
export function IdleNotice() {
  const { loaded } = useLoad(() => client.auth.listSessions(), []);
  if (loaded.status !== 'ready') return null;
  const current = loaded.data.find((session) => session.current);
  if (!current) return null;
  const ends = new Date(current.expires);
  return (
    <span class="idle" data-testid="session-ends">
      Session ends by {ends.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
    </span>
  );
}
