/** A code that only an operator sees: in the log, in a command's output, or on a refused start. */
export interface OperatorCodeInfo {
  /** Where the operator meets it. */
  seen: string;
  /** What went wrong. */
  meaning: string;
  /** What the operator should do; shown in docs/errors.md. */
  hint: string;
}

/**
 * Codes that never reach a client: a request that meets one is answered `HTTP_INTERNAL` (500),
 * and the code is logged under the request id. Those thrown as an AppError have status 500.
 */
export const OPERATOR_CODES = {
  CFG_INVALID: {
    seen: 'on start and by every command that reads the configuration (exit 2)',
    meaning: 'The configuration cannot be used: an unknown key or `BULWARK_*` variable, a wrong type or value.',
    hint: 'Each printed line names the key, where it came from and the fix; see docs/config.md.',
  },
  CFG_START_REFUSED: {
    seen: 'on start and by commands that open the data',
    meaning:
      'Something found at start forbids going on: a high-severity finding, a data folder another server holds, a master key that does not match the data.',
    hint: 'Each printed line ends with the finding id in brackets; docs/findings.md says how to fix each one.',
  },
  CFG_WEAK_MASTER_KEY: {
    seen: 'on start and by commands that read the master key',
    meaning: 'The master key (`<dataDir>/master.key` or `BULWARK_MASTER_KEY`) is not 32 or more random bytes.',
    hint: 'Generate one with `openssl rand -base64 32`; for existing data, use the key that wrote it.',
  },
  DB_MIGRATION_FAILED: {
    seen: 'on start and by commands that open the database; the log names the migration',
    meaning: 'A database migration failed; the database is left as the failed migration found it.',
    hint: 'Read the cause in the log, check that the database user may create and alter tables, restore from a backup if a migration left it half-done, and start again.',
  },
  CRYPTO_KEY_UNREADABLE: {
    seen: 'in the log of a request that reads or writes an encrypted field (the client gets `HTTP_INTERNAL`)',
    meaning: 'A data key stored in the database does not open under the key derived from the master key.',
    hint: 'Start with the master key that wrote the data, or restore the database from a backup that matches this key.',
  },
  CRYPTO_VALUE_REJECTED: {
    seen: 'in the log of a request that reads an encrypted field (the client gets `HTTP_INTERNAL`)',
    meaning:
      'An encrypted value failed authentication: it was altered, moved to another record or field, or written under another key.',
    hint: 'Treat it as tampering: find who wrote the database, then restore the record from a backup.',
  },
  MAIL_CONFIG_INVALID: {
    seen: 'on start (the mailer is built once), or in the log when a mail link cannot be built',
    meaning: 'The SMTP URL, the sender or the base of a mailed link (`publicUrl`) is unusable.',
    hint: 'Correct `smtp.url`, `smtp.from` or `publicUrl` as the message says; see docs/config.md.',
  },
  MAIL_HEADER_INJECTION: {
    seen: 'in the log of the request that would have sent the mail (the client gets the same answer as on success)',
    meaning: 'A header value carried CR or LF (header injection, RFC 5322 §2.2); nothing was sent.',
    hint: 'Look up the request id: a client tried to add headers through a value such as a name or subject.',
  },
  MAIL_RECIPIENT_INVALID: {
    seen: 'in the log of the request that would have sent the mail (the client gets the same answer as on success)',
    meaning: 'The recipient was not exactly one bare address (recipient injection); nothing was sent.',
    hint: 'Look up the request id: a client tried to add recipients through an address field.',
  },
  MAIL_SEND_FAILED: {
    seen: 'in the log of the request that sent the mail (the client gets the same answer as on success)',
    meaning: 'The SMTP server could not be reached or refused the message; the log names the transport and SMTP codes.',
    hint: 'Check that the SMTP server answers from this host, the credentials in `smtp.url` and its TLS certificate.',
  },
} as const satisfies Record<string, OperatorCodeInfo>;

export type OperatorErrorCode = keyof typeof OPERATOR_CODES;
