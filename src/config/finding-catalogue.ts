import type { Severity } from './checks.js';

/** What docs/findings.md says of a finding whose message and fix are built from what was found. */
export interface FindingInfo {
  severity: Severity;
  /** The commands that print it. */
  printedBy: 'serve' | 'bulwark audit' | 'serve and commands that open the data';
  meaning: string;
  fix: string;
}

/**
 * Every finding id outside the configuration checks (those document themselves: their message
 * and fix are fixed text, see CONFIG_CHECKS): the refusals at start, the deployment checks of
 * `bulwark audit` and its dependency advisories. `refuseStart` and `AuditCheck` take only these
 * ids, so a new one does not compile until it is described here; docs/findings.md is generated
 * from this table (`npm run docs`).
 */
export const FINDINGS = {
  'data-folder-in-use': {
    severity: 'high',
    printedBy: 'serve and commands that open the data',
    meaning: 'Another Bulwark server (its pid when known) holds the data folder; two writers would corrupt it.',
    fix: 'Stop that server first, or give this one its own data folder with `--data`.',
  },
  'master-key-mismatch': {
    severity: 'high',
    printedBy: 'serve and commands that open the data',
    meaning: 'The master key (file or `BULWARK_MASTER_KEY`) is not the key that wrote the data.',
    fix: 'Start with the key that wrote this data: its `<dataDir>/master.key`, or `BULWARK_MASTER_KEY` set to it.',
  },
  'master-key-missing': {
    severity: 'high',
    printedBy: 'serve and commands that open the data',
    meaning:
      'The data was written under a master key that is neither in `<dataDir>/master.key` nor in `BULWARK_MASTER_KEY` (at start, or gone since, when a scheduled backup is sealed).',
    fix: 'Restore the key file (mode 0600) from the backup of this data, or set `BULWARK_MASTER_KEY` to the key that wrote it.',
  },
  'master-key-replaced': {
    severity: 'high',
    printedBy: 'serve and commands that open the data',
    meaning: 'The master key was replaced by `bulwark keys rotate --master` and no longer opens the data.',
    fix: 'Start with the new master key: the rotated key file, or `BULWARK_MASTER_KEY` set to the key piped to the rotation.',
  },
  'root-key-unreadable': {
    severity: 'high',
    printedBy: 'serve and commands that open the data',
    meaning:
      'The master key matches the data, but the wrapped root key in the table `master_key_versions` does not open under it: the table was altered.',
    fix: 'Restore the database from a backup taken after the last `bulwark keys rotate --master`.',
  },
  'audit-syslog-file-unreadable': {
    severity: 'high',
    printedBy: 'serve',
    meaning:
      'A file named by `audit.syslog.caFile`, `certFile` or `keyFile` cannot be read, so the audit log could not be shipped.',
    fix: 'Correct the key (its `BULWARK_AUDIT_SYSLOG_*` variable) or let the server’s user read the file.',
  },
  'node-end-of-life': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'The Node.js line running Bulwark reached its end of life and gets no more security fixes.',
    fix: 'Run Bulwark on a supported Node.js line (24 LTS, or 22 until its end of life).',
  },
  'node-end-of-life-soon': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'The Node.js line running Bulwark reaches its end of life within 90 days.',
    fix: 'Plan the move to a supported Node.js line (24 LTS) before that date.',
  },
  'admin-without-second-factor': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'Administrators sign in with a password alone, and the policy does not make them enrol a second factor.',
    fix: 'Set `auth.mfa.requiredForAdmins` to true (the default), so each must enrol TOTP or a passkey at the next sign-in.',
  },
  'admin-second-factor-pending': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'Administrators have no second factor yet; the policy makes them enrol one at their next sign-in.',
    fix: 'Have them sign in and enrol TOTP or a passkey, or disable the accounts nobody uses.',
  },
  'api-key-expiring': {
    severity: 'low',
    printedBy: 'bulwark audit',
    meaning: 'API keys expire within 14 days; their clients will be refused then.',
    fix: 'Rotate each key before it expires (POST /api/keys/{id}/rotate) and give its client the new one.',
  },
  'api-key-not-rotated': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'Active API keys are older than the rotation age (90 days by default).',
    fix: 'Rotate them (POST /api/keys/{id}/rotate; the old key keeps working for `auth.apiKeyRotationOverlapSeconds`), or revoke keys nobody uses.',
  },
  'admin-api-key-from-shell': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning:
      'Live administrator API keys were made on the shell (`bulwark keys create --admin`) and work without the owner’s second factor.',
    fix: 'Revoke each one no longer needed with `bulwark keys revoke ID`, or let it expire; make them short-lived (e.g. `--expires 1d` for a CI run).',
  },
  'accounts-not-checked': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'Administrators and API keys were not checked: the database could not be read.',
    fix: 'Run `bulwark audit` where the database is reachable, with the server’s configuration (`BULWARK_DATABASE_URL`, `--data`).',
  },
  'database-file-readable': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'Other users of the machine can reach the SQLite database files.',
    fix: '`chmod 600 <dataDir>/bulwark.db*`.',
  },
  'data-file-readable': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning:
      'Other users of the machine can reach entries of the data folder (keys, uploads, backups, the audit checkpoint).',
    fix: '`chmod -R go-rwx <dataDir>`, and run the server with umask 077.',
  },
  'node-debug-flags': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning:
      'Node.js is started with `--inspect` or `--debug` (in its flags or `NODE_OPTIONS`): whoever reaches the debugger’s port runs any code inside the server.',
    fix: 'Start the server without the flag (check its service unit, start script and `NODE_OPTIONS`), then restart it.',
  },
  'node-unsafe-flags': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning:
      'Node.js is started with a flag that weakens it: `--insecure-http-parser` (request smuggling), `--security-revert`, `--tls-min-v1.0`/`1.1`, or one that exposes engine internals or legacy crypto.',
    fix: 'Start the server without the flag (check its service unit, start script and `NODE_OPTIONS`), then restart it.',
  },
  'listens-beyond-loopback': {
    severity: 'low',
    printedBy: 'bulwark audit',
    meaning: 'The configuration makes the server listen on an address other machines can reach.',
    fix: 'If only a proxy on this machine should reach it, set `server.host` to 127.0.0.1; otherwise make sure a firewall allows only the intended clients.',
  },
  'server-listens-beyond-loopback': {
    severity: 'low',
    printedBy: 'bulwark audit',
    meaning: 'The running server listens on addresses other machines can reach.',
    fix: 'If only a proxy on this machine should reach it, set `server.host` to 127.0.0.1 and restart; otherwise make sure a firewall allows only the intended clients.',
  },
  'server-not-inspected': {
    severity: 'low',
    printedBy: 'bulwark audit',
    meaning: 'A server holds the data folder, but its flags and listening sockets could not be checked.',
    fix: 'Run `bulwark audit` as the server’s user on Linux, or check the server’s command line and `ss -ltnp` by hand.',
  },
  'server-environment-unreadable': {
    severity: 'low',
    printedBy: 'bulwark audit',
    meaning: 'The environment of the running server could not be read, so its `NODE_OPTIONS` were not checked.',
    fix: 'Run `bulwark audit` as the server’s user.',
  },
  'tls-cert-unreadable': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'The file named by `tls.cert` cannot be read as a PEM certificate.',
    fix: 'Point `tls.cert` (`BULWARK_TLS_CERT`) at the PEM certificate (chain) file, readable by the server.',
  },
  'tls-key-weak': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'The TLS certificate has a weak key (RSA under 2048 bits, or a weak curve).',
    fix: 'Issue a new certificate for an RSA key of at least 2048 bits (3072 preferred) or an EC P-256 / P-384 key.',
  },
  'tls-cert-self-signed': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'The TLS certificate is self-signed: clients cannot tell it from an attacker’s.',
    fix: 'Use a certificate from a CA the clients trust (e.g. Let’s Encrypt), or an internal CA whose root the clients install.',
  },
  'tls-cert-not-yet-valid': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'The TLS certificate is not valid yet: clients refuse it.',
    fix: 'Check the machine’s clock, or install the certificate that is valid now.',
  },
  'advisories-not-checked': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning:
      'Dependency advisories were not checked: the registry was unreachable, or no lockfile ships with this install.',
    fix: 'Run `bulwark audit` where the npm registry is reachable (or pass `--advisory-registry`); in a checkout, run `npm install` first.',
  },
  'vulnerable-dependencies': {
    severity: 'high',
    printedBy: 'bulwark audit',
    meaning: 'Installed dependencies have critical or high advisories.',
    fix: 'Upgrade Bulwark, or run `npm audit` in its folder to see and fix them.',
  },
  'moderate-dependency-advisories': {
    severity: 'medium',
    printedBy: 'bulwark audit',
    meaning: 'Installed dependencies have moderate advisories.',
    fix: 'Run `npm audit` in the Bulwark folder and upgrade what it names.',
  },
} as const satisfies Record<string, FindingInfo>;

export type CataloguedFindingId = keyof typeof FINDINGS;
