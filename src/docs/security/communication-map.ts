import { code, header, table } from './markdown.js';
import { NETWORK_MODULES } from './network-modules.js';

const SECTION = '### Connections';

/** The rows of the README's Connections table, each a list of cells. */
export function readConnectionRows(readme: string): string[][] {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start === -1) throw new Error(`README.md has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const lines = (end === -1 ? rest : rest.slice(0, end)).split('\n').filter((line) => line.startsWith('|'));
  // The header row and the separator row come first.
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

/** Modules whose key is named in the row's "configured by" cell. */
function modulesFor(configuredBy: string): string {
  const modules = Object.entries(NETWORK_MODULES)
    .filter(([, key]) => configuredBy.includes(`\`${key}\``))
    .map(([name]) => code(name));
  return modules.length > 0 ? modules.join(', ') : '—';
}

/**
 * docs/security/communication-map.md: the README's Connections table (the one list, checked by
 * test/docs-and-openapi.test.ts) with the client modules of each connection.
 */
export function renderCommunicationMap(readme: string): string {
  const rows = readConnectionRows(readme).map(([connection = '', direction = '', configuredBy = '', travels = '']) => [
    connection,
    direction,
    configuredBy,
    travels,
    modulesFor(configuredBy),
  ]);
  return [
    ...header('Communication map', 'the "Connections" table of `README.md` and `src/docs/security/network-modules.ts`'),
    'ASVS 5.0 V13.1.1 (every communication need documented) and V12 (protection in transit):',
    'every connection Bulwark accepts or opens, how it is protected, and the code that opens it.',
    'There are no others and no telemetry.',
    '',
    ...table(['connection', 'direction', 'configured by', 'what travels and how it is protected', 'modules'], rows),
    '',
    'The modules column maps each network module `src/` imports to one row (the list the README',
    "test checks imports against). A row marked — uses another row's modules: inbound rows the",
    "HTTP listener's, rows `through outbound.*` the outbound guard's (`undici`), the syslog shipper",
    'and the ClamAV client `node:tls` and `node:net`; the advisory check runs `npm audit`.',
    '',
    'Protection common to all of them:',
    '',
    '- Inbound TLS: TLS 1.2 and later with the Mozilla intermediate suites (see',
    '  [crypto-inventory.md](crypto-inventory.md)); the server refuses to listen on a non-loopback',
    '  address over plain HTTP unless a TLS-terminating proxy is declared in `server.trustedProxies`.',
    '- Outbound TLS verifies certificates against the host name; `bulwark audit` reports a',
    '  non-loopback PostgreSQL, Redis or SMTP connection without verified TLS.',
    '- Every request to an address a user or an administrator chose goes through the outbound',
    '  guard (README "Outbound requests"): https only, every DNS answer judged, the connection',
    '  pinned to the judged address, redirects re-checked, timeouts and size limits.',
    '',
  ].join('\n');
}
