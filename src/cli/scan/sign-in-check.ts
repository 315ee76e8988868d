import { randomBytes } from 'node:crypto';
import type { ScanResponse } from './scan-client.js';
import { report, type ScanContext } from './scan-context.js';

/** Answers that mean "this is not a sign-in endpoint": the check cannot judge it. */
const NOT_A_SIGN_IN = new Set([404, 405, 415, 501]);

const isThrottled = (response: ScanResponse, sawNon403: boolean) =>
  response.status === 429 ||
  response.status === 423 ||
  response.headers['retry-after'] !== undefined ||
  // A ban: the same request refused outright after being judged before.
  (response.status === 403 && sawNon403);

/**
 * Opt-in (`--check-sign-in PATH`): failed sign-ins for an account that does not exist, at most
 * `attempts` of them, stopping at the first sign of throttling. No real account is locked out.
 */
export async function checkSignIn(context: ScanContext): Promise<void> {
  if (!context.signIn) return;
  const { path, attempts, userField } = context.signIn;
  const user = `bulwark-scan-${context.marker}@example.invalid`;
  const statuses: number[] = [];
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const response = await context.client.send({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ [userField]: user, password: randomBytes(12).toString('base64url') }),
    });
    if (!response) {
      context.notes.push(`sign-in not checked: ${path} gave no answer to attempt ${attempt}`);
      return;
    }
    if (attempt === 1 && NOT_A_SIGN_IN.has(response.status)) {
      context.notes.push(
        `sign-in not checked: ${path} answered ${response.status}; give the sign-in path (and --sign-in-field)`,
      );
      return;
    }
    if (
      isThrottled(
        response,
        statuses.some((status) => status !== 403),
      )
    )
      return;
    statuses.push(response.status);
  }
  const distinct = [...new Set(statuses)].join(', ');
  report(
    context,
    'sign-in-not-rate-limited',
    new URL(path, context.target.origin).href,
    `${attempts} failed sign-ins answered ${distinct}, never 429 or a lockout`,
  );
}
