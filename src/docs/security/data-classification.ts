import { code, configDefault, header } from './markdown.js';

/** One class of data and how each kind of protection applies to it. */
export interface DataClass {
  name: string;
  /** What belongs to it, and where it is stored. */
  holds: string;
  atRest: string;
  inTransit: string;
  inLogs: string;
  retention: string;
  readers: string;
}

const TRANSIT = 'TLS to clients (or the declared TLS proxy); verified TLS to PostgreSQL, Redis and SMTP off loopback.';

/** The classes (ASVS V14.1.1) with their protection (V14.1.2); numbers come from the configuration defaults. */
export function dataClasses(): DataClass[] {
  const auditDays = Number(configDefault('audit.retentionDays'));
  return [
    {
      name: 'Credentials and secrets',
      holds:
        'Password hashes, session ids, access, refresh and API-key tokens, one-time tokens, recovery codes, TOTP secrets, webhook secrets, the master key.',
      atRest:
        'Passwords as argon2id hashes; tokens and codes as HMAC-SHA256 only; TOTP and webhook secrets sealed with AES-256-GCM; the master key in `BULWARK_MASTER_KEY` or `master.key` (0600).',
      inTransit: `${TRANSIT} Tokens only in headers or cookies, mailed tokens only in URL fragments.`,
      inLogs: 'Never: redacted by key name and by token pattern in the application log; never in audit entries.',
      retention: `Sessions end after the idle (${Number(configDefault('auth.sessionIdleTimeoutSeconds')) / 60} min) or absolute timeout; tokens and keys at their expiry or revocation; all go with the user.`,
      readers: 'Nobody reads them back: tokens and keys are shown once at creation; verification compares hashes.',
    },
    {
      name: 'Personal data',
      holds: 'Account email, name, role and status; client address and device of sessions; OIDC issuer and subject.',
      atRest: 'Database (SQLite file 0600 in a 0700 folder, or PostgreSQL).',
      inTransit: TRANSIT,
      inLogs:
        'Client addresses in the application and audit logs; emails only in the audit entries about an account (see logging-inventory.md).',
      retention:
        'Until the user is deleted (sessions, keys, factors and links cascade); audit entries follow the audit retention.',
      readers: 'The user (own profile and sessions); administrators (`/api/admin/users`).',
    },
    {
      name: 'Application data',
      holds: 'Records of collections defined by administrators.',
      atRest: 'Database; fields marked `hidden` never leave the server (rules may use them).',
      inTransit: TRANSIT,
      inLogs: 'Never the values; denied reads and writes are audited with collection and id only.',
      retention: 'Until deleted through the API or with its collection.',
      readers: 'Whoever the collection’s rules admit (`null` rule: administrators only); API keys within their scopes.',
    },
    {
      name: 'Encrypted fields',
      holds: 'Values of fields marked `encrypted` (text, email, url, json).',
      atRest:
        'AES-256-GCM under a data key, bound to collection, record and field; data keys wrapped under the `data-encryption` key. A database copy alone reveals nothing.',
      inTransit: TRANSIT,
      inLogs: 'Never; a value that fails authentication is audited (`records.integrity.failure`) without it.',
      retention: 'As application data.',
      readers: 'As application data: decrypted only for callers the rules admit; never in webhook bodies.',
    },
    {
      name: 'Security logs',
      holds: 'The audit log (`audit_log`) and the application log (stdout).',
      atRest:
        'Audit log append-only behind a keyed hash chain and a signed checkpoint; the application log wherever the operator sends stdout.',
      inTransit: 'Audit shipping to syslog over TLS with a verified certificate (`audit.syslog.*`).',
      inLogs: 'What logging-inventory.md lists; never secrets.',
      retention: `${auditDays === 0 ? 'Audit entries are kept until `audit.retentionDays` is set' : `${String(auditDays)} days`} (pruning leaves a signed anchor); webhook delivery log ${code(String(configDefault('webhooks.logRetentionDays')))} days.`,
      readers: 'Administrators (`GET /api/admin/audit`, `bulwark log export`); the operator for stdout.',
    },
    {
      name: 'Files',
      holds: 'Uploaded files of `file` fields.',
      atRest:
        'Under server-made ids in `<dataDir>/files` or an S3-compatible bucket; quarantined until scanned when ClamAV is configured; not encrypted by Bulwark (use disk or bucket encryption).',
      inTransit: `${TRANSIT} https to S3 off loopback; to clamd over its socket.`,
      inLogs: 'Never the bytes; uploads, refusals and infections are audited with ids, type and size.',
      retention: 'Until removed, or deleted with their record, field or collection.',
      readers: `Callers the record’s view rule admits, or anyone holding a signed link for ${Number(configDefault('files.linkTtlSeconds'))} s.`,
    },
  ];
}

/** docs/security/data-classification.md. */
export function renderDataClassification(): string {
  const sections = dataClasses().flatMap((entry) => [
    `## ${entry.name}`,
    '',
    entry.holds,
    '',
    `- **At rest:** ${entry.atRest}`,
    `- **In transit:** ${entry.inTransit}`,
    `- **In logs:** ${entry.inLogs}`,
    `- **Retention:** ${entry.retention}`,
    `- **Who can read:** ${entry.readers}`,
    '',
  ]);
  return [
    ...header(
      'Data classification and protection',
      '`src/docs/security/data-classification.ts` and the configuration defaults',
    ),
    'ASVS 5.0 V14.1.1 (sensitive data identified and classified) and V14.1.2 (protection',
    'requirements for each class). Backups (`bulwark backup`) hold every class and are encrypted',
    'whole (see [crypto-inventory.md](crypto-inventory.md)).',
    '',
    ...sections,
  ].join('\n');
}
