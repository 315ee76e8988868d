import { clip } from './finding.js';
import type { ScanResponse } from './scan-client.js';
import { report, type ScanContext } from './scan-context.js';

/** 180 days: the shortest HSTS max-age that survives a half-year without a visit (and HSTS preload's floor is a year). */
const MIN_HSTS_MAX_AGE_SECONDS = 15_552_000;

type HeaderTest = {
  id: string;
  isMissing: (response: ScanResponse) => boolean;
  applies?: (context: ScanContext) => boolean;
};

const header = (response: ScanResponse, name: string): string => [response.headers[name] ?? ''].flat().join(', ');

const HEADER_TESTS: readonly HeaderTest[] = [
  { id: 'header-csp-missing', isMissing: (r) => header(r, 'content-security-policy') === '' },
  {
    id: 'header-framing-missing',
    isMissing: (r) =>
      !/frame-ancestors/i.test(header(r, 'content-security-policy')) &&
      !/^(deny|sameorigin)$/i.test(header(r, 'x-frame-options').trim()),
  },
  {
    id: 'header-nosniff-missing',
    isMissing: (r) => header(r, 'x-content-type-options').trim().toLowerCase() !== 'nosniff',
  },
  { id: 'header-referrer-policy-missing', isMissing: (r) => header(r, 'referrer-policy') === '' },
  {
    id: 'header-hsts-missing',
    isMissing: (r) => header(r, 'strict-transport-security') === '',
    applies: (context) => context.client.isHttps,
  },
  {
    id: 'header-hsts-short',
    isMissing: (r) => {
      const maxAge = /max-age\s*=\s*"?(\d+)/i.exec(header(r, 'strict-transport-security'))?.[1];
      return maxAge !== undefined && Number(maxAge) < MIN_HSTS_MAX_AGE_SECONDS;
    },
    applies: (context) => context.client.isHttps,
  },
];

/** Where a response came from, for evidence: "404 GET /x". */
export function describeResponse(response: ScanResponse, method = 'GET'): string {
  return `${response.status} ${method} ${new URL(response.url).pathname}`;
}

/**
 * Security headers and version banners, on a normal answer and on an error answer: a server
 * that sets them in a success hook only leaves its error pages unprotected.
 */
export function checkHeaders(context: ScanContext, responses: readonly ScanResponse[]): void {
  for (const test of HEADER_TESTS) {
    if (test.applies && !test.applies(context)) continue;
    const lacking = responses.filter(test.isMissing);
    if (lacking.length > 0) {
      report(
        context,
        test.id,
        lacking[0]?.url ?? context.target.href,
        `on ${lacking.map((r) => describeResponse(r)).join(' and ')}`,
      );
    }
  }
  const server = responses.map((r) => header(r, 'server')).find((value) => /\d/.test(value));
  if (server) report(context, 'banner-server-version', context.target.href, `Server: ${clip(server, 80)}`);
  const poweredBy = responses.map((r) => header(r, 'x-powered-by')).find((value) => value !== '');
  if (poweredBy) report(context, 'banner-x-powered-by', context.target.href, `X-Powered-By: ${clip(poweredBy, 80)}`);
}
