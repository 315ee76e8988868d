import type { OperatorErrorCode } from '../../errors/index.js';

/**
 * Codes of the errors the mail feature throws, registered with their meaning in
 * src/errors/codes.ts. None of them is meant for a client: a route that sends mail answers the
 * same whether delivery worked or not (so a response never tells whether an address has an
 * account), and logs the error under the request id.
 */
export type MailErrorCode = Extract<OperatorErrorCode, `MAIL_${string}`>;

/**
 * Error thrown by the mailer. Its message and properties never carry the SMTP credentials,
 * and it keeps no `cause`: the transport's own error may hold the raw URL or AUTH exchange.
 * `transportCode` is nodemailer's code (`EAUTH`, `ECONNECTION`, `ETIMEDOUT`, `ETLS`, …), `reason`
 * the socket or OpenSSL code beneath it (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) and
 * `responseCode` the SMTP reply code (535, 550, …).
 */
export class MailError extends Error {
  readonly code: MailErrorCode;
  readonly transportCode: string | undefined;
  readonly reason: string | undefined;
  readonly responseCode: number | undefined;

  constructor(
    code: MailErrorCode,
    message: string,
    details: { transportCode?: string; reason?: string; responseCode?: number } = {},
  ) {
    super(message);
    this.name = 'MailError';
    this.code = code;
    this.transportCode = details.transportCode;
    this.reason = details.reason;
    this.responseCode = details.responseCode;
  }
}

export function isMailError(value: unknown): value is MailError {
  return value instanceof MailError;
}
