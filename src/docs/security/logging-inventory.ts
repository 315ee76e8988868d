import { AUDIT_EVENT_TYPES, type AuditEventTypeInfo } from '../../features/audit/index.js';
import { BULWARK_TOKEN, CREDENTIAL_VALUE, SECRET_KEY, SECRET_QUERY_KEY } from '../../http/redact.js';
import { code, configDefault, header, table } from './markdown.js';

/** docs/security/logging-inventory.md: every audit event type and the application log's redaction. */
export function renderLoggingInventory(): string {
  const events = Object.entries(AUDIT_EVENT_TYPES).map(([type, info]: [string, AuditEventTypeInfo]) => {
    const keys = info.details.length > 0 ? info.details.map(code).join(', ') : '(none)';
    return [code(type), info.when, info.note ? `${keys}: ${info.note}` : keys];
  });
  const retentionDays = configDefault('audit.retentionDays');
  return [
    ...header(
      'Logging inventory',
      '`src/features/audit/audit-event-types.ts` (the closed registry `audit.record` accepts) and `src/http/redact.ts`',
    ),
    'ASVS 5.0 V16.1.1: what is logged, where, in what form, and what is never logged.',
    '',
    '## The audit log',
    '',
    'A table in the database (`audit_log`), append-only behind a keyed hash chain (HMAC-SHA256 under',
    'the `audit-chain` key) and a signed checkpoint in the data folder; `bulwark log verify` proves it',
    'unaltered and untruncated. Optionally shipped to a syslog receiver over TLS (`audit.syslog.*`).',
    `Kept ${retentionDays === 0 ? 'forever by default' : `${String(retentionDays)} days by default`} (\`audit.retentionDays\`); pruning leaves a signed anchor.`,
    'Administrators read it through `GET /api/admin/audit`; nobody else can.',
    '',
    'Every entry holds: `seq`, time (`atMs`), `type`, `actor` (a user id, `system`, `cli…` or',
    '`guest`), the client address (`ip`) and request id where there is a request, and `details`:',
    '',
    ...table(['type', 'recorded when', 'details'], events),
    '',
    '**Never in an entry:** passwords (new, current or wrong), session ids or cookies, access,',
    'refresh or API-key tokens, one-time tokens, second-factor or recovery codes, secrets of',
    'webhooks or alerts, keys, request bodies, or the query and credentials of URLs. Email',
    'addresses appear only where the event is about the address (the entries above that name',
    '`email`, `from` or `to`), so that an account can be traced after it is deleted.',
    '',
    '## The application log',
    '',
    'JSON lines on standard output (pino), one per request and per problem, at `log.level`. Every',
    'object logged passes one redaction at every depth before it is written:',
    '',
    `- a value whose key matches ${code(SECRET_KEY.source)} (case-insensitive) becomes \`[REDACTED]\`;`,
    `- a whole value matching ${code(CREDENTIAL_VALUE.source)} (an \`Authorization\` header) becomes \`[REDACTED]\`;`,
    `- our tokens anywhere in text, ${code(BULWARK_TOKEN.source)}, are cut out, in messages too;`,
    `- in URLs, query parameters named like secrets or ${code(SECRET_QUERY_KEY.source)} keep their name and lose their value.`,
    '',
    'Errors are logged with their cause under the request id; clients get only the request id.',
    "Lines are written in the background (pino's asynchronous destination); a graceful stop waits",
    'until every line is written, and a crash (uncaught exception, unhandled rejection, SIGHUP)',
    'writes a `fatal` line naming the cause and every buffered line before the process exits.',
    '`test/attacks/log-secrets.test.ts` drives every kind of secret through the server and checks',
    'the log holds none of them.',
    '',
  ].join('\n');
}
