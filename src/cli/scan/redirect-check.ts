import { report, type ScanContext } from './scan-context.js';

/** Parameter names that commonly carry a redirect target. */
export const REDIRECT_PARAMS = [
  'next',
  'redirect',
  'redirect_uri',
  'redirect_url',
  'redirectTo',
  'return',
  'return_to',
  'returnTo',
  'returnUrl',
  'url',
  'to',
  'goto',
  'dest',
  'destination',
  'continue',
] as const;

/** Paths that commonly redirect after sign-in or sign-out, besides the base path. */
const REDIRECT_PATHS = ['/login', '/logout', '/redirect'];

/**
 * Open redirects: each parameter gets its own marker host in one request per path (absolute
 * and scheme-relative `//host` forms), so a Location naming a marker host names the parameter.
 * The marker hosts are under `.invalid` (RFC 2606): nothing is ever sent to them.
 */
export async function checkOpenRedirects(context: ScanContext): Promise<void> {
  const markerHost = (index: number) => `r${index}-${context.marker}.invalid`;
  const paths = [...new Set([context.target.pathname, ...REDIRECT_PATHS])];
  for (const path of paths) {
    for (const form of ['https://', '//']) {
      const query = REDIRECT_PARAMS.map((name, i) => `${name}=${encodeURIComponent(`${form}${markerHost(i)}/`)}`).join(
        '&',
      );
      const response = await context.client.send({ path: `${path}?${query}` });
      const location = [response?.headers.location ?? ''].flat()[0] ?? '';
      if (!response || response.status < 300 || response.status >= 400 || location === '') continue;
      const host = safeHost(location, response.url);
      const index = REDIRECT_PARAMS.findIndex((_name, i) => host === markerHost(i));
      if (index < 0) continue;
      report(
        context,
        'open-redirect',
        response.url,
        `${response.status} to ${location} from ${REDIRECT_PARAMS[index]}=${form}…`,
      );
      return;
    }
  }
}

function safeHost(location: string, base: string): string | null {
  try {
    return new URL(location, base).hostname;
  } catch {
    return null;
  }
}
