import type { Loaded } from '../use-call.js';

/** "Loading…" or the failure message of a screen's data; nothing once it is there. */
export function Status({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.status === 'loading') return <p role="status">Loading…</p>;
  if (loaded.status === 'failed') {
    return (
      <p class="error" role="alert">
        {loaded.message}
      </p>
    );
  }
  return null;
}
