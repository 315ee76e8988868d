import { type BulwarkError, createClient, isBulwarkError } from '@bulwark/client';
import { noticingFetch } from './activity.js';

/**
 * The one client of the dashboard: cookie mode on the server's own origin (the HttpOnly session
 * cookie, the CSRF token fetched and sent by the client). Nothing is kept in web storage.
 */
export const client = createClient({ auth: { mode: 'cookie' }, fetch: noticingFetch });

/** True when the error means the sign-in is over (expired, idle too long, signed out elsewhere). */
export function isSignedOut(error: unknown): boolean {
  return isBulwarkError(error) && (error.status === 401 || error.isSignedOut);
}

/** Input the dashboard itself could not read (a number, JSON): its message is shown as it is. */
export class InputError extends Error {}

/** What to show for a failed call: the server's problem text, never a stack or internal detail. */
export function describe(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (!isBulwarkError(error)) return 'Something went wrong in the dashboard; reload the page and try again.';
  const problem = error as BulwarkError;
  // Each field's reason names the field, so "title: is required" says where to look.
  const reasons = problem.errors
    .map((item) => (item.field ? `${item.field}: ${item.message}` : item.message))
    .filter((message) => message !== problem.detail);
  return [problem.detail ?? problem.title, ...reasons].join(' ');
}
