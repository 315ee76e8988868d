import { clip } from './finding.js';
import type { ScanResponse } from './scan-client.js';
import { basePath, report, type ScanContext } from './scan-context.js';

/**
 * Signs that an error body tells an attacker about the inside: stack frames, source paths,
 * SQL and driver errors, framework error pages. Each names what it matched in the evidence.
 */
const LEAK_PATTERNS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'stack trace', pattern: /\bat [\w$.<>[\] ]+ \(?(?:file:\/\/)?[\w/\\.:-]+:\d+:\d+\)?/ },
  { name: 'stack trace', pattern: /Traceback \(most recent call last\)|Exception in thread "|\.java:\d+\)/ },
  {
    name: 'file path',
    pattern: /(?:\/(?:home|var|usr|srv|app|opt|tmp)\/|[A-Z]:\\)[\w./\\-]+\.(?:js|ts|mjs|cjs|py|php|rb|java|go|cs)\b/,
  },
  {
    name: 'SQL error',
    pattern:
      /SQLITE_ERROR|SQLSTATE\[|syntax error at or near|You have an error in your SQL syntax|ORA-\d{5}|unterminated quoted string/i,
  },
  {
    name: 'framework error page',
    pattern:
      /Whitelabel Error Page|Werkzeug Debugger|DEBUG = True|Laravel|Symfony\\Component|ActiveRecord::|Server Error in '\/' Application|<title>Error<\/title>\s*<\/head>\s*<body>\s*<pre>/i,
  },
];

/** Requests that make most backends answer with an error: a broken JSON body and a quote in a parameter. */
export async function provokeErrors(context: ScanContext): Promise<ScanResponse[]> {
  const base = basePath(context);
  const separator = base.includes('?') ? '&' : '?';
  const answers = [
    await context.client.send({
      method: 'POST',
      path: base,
      headers: { 'content-type': 'application/json' },
      body: '{"bulwark-scan": ',
    }),
    await context.client.send({ path: `${base}${separator}id=%27%22` }),
  ];
  return answers.filter((answer): answer is ScanResponse => answer !== null);
}

/** Verbose errors: only error statuses are judged (a 200 page may show code on purpose). */
export function checkVerboseErrors(context: ScanContext, responses: readonly ScanResponse[]): void {
  for (const response of responses) {
    if (response.status < 400) continue;
    for (const { name, pattern } of LEAK_PATTERNS) {
      const match = pattern.exec(response.text);
      if (!match) continue;
      report(context, 'error-verbose', response.url, `${name} in a ${response.status} body: ${clip(match[0], 80)}`);
      return;
    }
  }
}
