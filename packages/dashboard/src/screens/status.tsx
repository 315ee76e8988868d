import type { Loaded } from '../use-call.js';
import { ErrorMessage } from './error-message.js';

/** "Loading…" or the failure message of a screen's data; nothing once it is there. */
export function Status({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.status === 'loading') return <p role="status">Loading…</p>;
  if (loaded.status === 'failed') return <ErrorMessage message={loaded.message} />;
  return null;
}
