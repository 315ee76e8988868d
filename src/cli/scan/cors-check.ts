import type { ScanResponse } from './scan-client.js';
import { basePath, report, type ScanContext } from './scan-context.js';

const allowOrigin = (response: ScanResponse) => [response.headers['access-control-allow-origin'] ?? ''].flat().join();
const allowsCredentials = (response: ScanResponse) =>
  [response.headers['access-control-allow-credentials'] ?? ''].flat().join().trim().toLowerCase() === 'true';

/**
 * CORS on the base path, for a simple request and a preflight: an arbitrary origin echoed back,
 * the `null` origin (sandboxed frames, local files) allowed, and `*` combined with credentials.
 * With credentials an echoed origin lets any site read the user's data: high.
 */
export async function checkCors(context: ScanContext): Promise<void> {
  const path = basePath(context);
  const foreign = `https://${context.marker}.cors-probe.invalid`;
  const simple = await context.client.send({ path, headers: { origin: foreign } });
  const preflight = await context.client.send({
    method: 'OPTIONS',
    path,
    headers: {
      origin: foreign,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type',
    },
  });
  const nullOrigin = await context.client.send({ path, headers: { origin: 'null' } });

  for (const [response, kind] of [
    [simple, 'GET'],
    [preflight, 'preflight'],
  ] as const) {
    if (!response) continue;
    const allowed = allowOrigin(response);
    const credentials = allowsCredentials(response);
    if (allowed === foreign) {
      report(
        context,
        'cors-origin-reflected',
        response.url,
        `${kind} echoed Origin ${foreign} in Access-Control-Allow-Origin${credentials ? ', with Allow-Credentials: true' : ''}`,
        credentials ? 'high' : undefined,
      );
    } else if (allowed.trim() === '*' && credentials) {
      report(
        context,
        'cors-wildcard-credentials',
        response.url,
        `${kind} answered Access-Control-Allow-Origin: * and Allow-Credentials: true`,
      );
    }
  }
  if (nullOrigin && allowOrigin(nullOrigin).trim() === 'null') {
    const credentials = allowsCredentials(nullOrigin);
    report(
      context,
      'cors-null-origin',
      nullOrigin.url,
      `Origin: null answered Access-Control-Allow-Origin: null${credentials ? ' and Allow-Credentials: true' : ''}`,
      credentials ? 'high' : undefined,
    );
  }
}
