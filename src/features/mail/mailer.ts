import { createTransport } from 'nodemailer';
import { MailError } from './errors.js';
import { parseSmtpUrl, type SmtpEndpoint } from './smtp-url.js';

export interface MailerOptions {
  /**
   * `smtp://[user:pass@]host[:port]` (STARTTLS when the server offers it) or
   * `smtps://[user:pass@]host[:port]` (TLS from the first byte). Percent-encode reserved
   * characters in the credentials. No path, query or fragment.
   */
  url: string;
  /** Sender, a bare address or `Name <address>`. */
  from: string;
  /** With `smtp://`: fail unless the server offers STARTTLS and the upgrade succeeds. */
  requireTls?: boolean;
  /** Verify the server's certificate (default true). Turn off only for a loopback test relay. */
  tlsRejectUnauthorized?: boolean;
  /** Bound on connecting, on the server's greeting and on each silence mid-session (default 10 000). */
  connectionTimeoutMs?: number;
}

export interface MailMessage {
  /** Exactly one bare address (`user@example.com`): no display name, no list. */
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /**
   * Delivers one message to the SMTP server; rejects with a `MailError` (credential-free), at
   * the latest after 3 × `connectionTimeoutMs`.
   */
  send(message: MailMessage): Promise<void>;
  /**
   * Connects (and signs in, when the URL has credentials); `false` on any failure or after
   * 3 × `connectionTimeoutMs`, never throws.
   */
  verify(): Promise<boolean>;
  /** Releases the transport. */
  close(): void;
}

/** Long enough for a slow relay, short enough that a hung one cannot pin a request. */
const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A whole send or verify (connect, greeting, TLS, AUTH, transaction) is abandoned after this many
 * timeouts: the per-step timeouts alone do not stop a server that answers a byte at a time.
 */
const DEADLINE_IN_TIMEOUTS = 3;
const LINE_BREAK = /[\r\n]/;
/** One addr-spec and nothing else: no display name, comment, group or second address. */
const BARE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/;

/**
 * Sends Bulwark's mail over SMTP with nodemailer, one connection per message.
 *
 * Security: certificates are verified unless `tlsRejectUnauthorized` is false; TLS is 1.2 or
 * later; with `smtp://`, STARTTLS is used whenever offered and a failed upgrade is an error
 * (no silent fallback to cleartext), and `requireTls` makes the offer mandatory. A
 * non-loopback host reached over `smtp://` without `requireTls` is a configuration finding
 * (`mail-tls-not-required` in config/checks.ts); `tlsRejectUnauthorized` is not in the
 * configuration, so only tests can turn certificate checks off. Nothing is logged (nodemailer's
 * logger is off), errors never carry the credentials, every header is built by nodemailer, and
 * a `to` or `subject` containing CR or LF is refused before any connection is made.
 *
 * Throws `MailError('MAIL_CONFIG_INVALID')` at once for an unusable URL or sender, so a bad
 * configuration fails when the app is built rather than on the first password reset.
 *
 * @example
 * const mailer = createMailer({ url: 'smtps://bulwark:s3cret@smtp.example.com', from: 'Bulwark <no-reply@example.com>' });
 * await mailer.send({ to: 'ada@example.com', ...passwordResetEmail({ link, appName: 'Acme', expiresInMinutes: 30 }) });
 */
export function createMailer(options: MailerOptions): Mailer {
  if (LINE_BREAK.test(options.from)) throw new MailError('MAIL_CONFIG_INVALID', 'mail sender contains a line break');
  const endpoint = parseSmtpUrl(options.url);
  const timeoutMs = options.connectionTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineMs = timeoutMs * DEADLINE_IN_TIMEOUTS;
  const transporter = createTransport(transportOptions(endpoint, options, timeoutMs), { from: options.from });
  return {
    async send(message) {
      assertSafeMessage(message);
      try {
        await transporter.sendMail({
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
          signal: AbortSignal.timeout(deadlineMs),
        });
      } catch (error) {
        throw toMailError(error);
      }
    },
    verify() {
      return withinDeadline(
        transporter.verify().then(
          () => true,
          () => false,
        ),
        deadlineMs,
      );
    },
    close() {
      transporter.close();
    },
  };
}

function transportOptions(endpoint: SmtpEndpoint, options: MailerOptions, timeoutMs: number) {
  return {
    host: endpoint.host,
    ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
    secure: endpoint.isImplicitTls,
    requireTLS: options.requireTls === true,
    ignoreTLS: false,
    // A server that offers STARTTLS and then refuses it ends the session instead of continuing
    // in cleartext (a certificate that fails verification always ends it).
    opportunisticTLS: false,
    tls: { rejectUnauthorized: options.tlsRejectUnauthorized ?? true, minVersion: 'TLSv1.2' as const },
    ...(endpoint.user === undefined ? {} : { auth: { user: endpoint.user, pass: endpoint.pass ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // nodemailer's logger would print the SMTP dialogue, AUTH included.
    logger: false,
    debug: false,
    transactionLog: false,
    // Content is always strings we built; never let a message make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * nodemailer's verify() takes no AbortSignal: past the deadline the answer is `false` and the
 * probe's connection is left to its own socket timeout.
 */
function withinDeadline(check: Promise<boolean>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  return Promise.race([check, expired]).finally(() => clearTimeout(timer));
}

/** Header injection (RFC 5322 §2.2: CRLF ends a header) and recipient injection, refused before connecting. */
function assertSafeMessage(message: MailMessage): void {
  if (LINE_BREAK.test(message.to) || LINE_BREAK.test(message.subject)) {
    throw new MailError('MAIL_HEADER_INJECTION', 'mail recipient or subject contains a line break');
  }
  if (!BARE_ADDRESS.test(message.to) || hasControlCharacter(message.to)) {
    throw new MailError('MAIL_RECIPIENT_INVALID', 'mail recipient must be exactly one bare address');
  }
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const TRANSPORT_HINTS: Record<string, string> = {
  EAUTH: 'the SMTP server refused the credentials',
  ENOAUTH: 'the SMTP server requires credentials and the mail URL has none',
  ECONNECTION: 'could not connect to the SMTP server',
  ESOCKET: 'could not connect to the SMTP server',
  EDNS: 'could not resolve the SMTP host',
  ETIMEDOUT: 'the SMTP server did not answer in time',
  EABORT: 'the SMTP exchange did not finish in time',
  ETLS: 'TLS with the SMTP server failed (or STARTTLS is required and was not offered)',
  EENVELOPE: 'the SMTP server refused the sender or recipient',
  EMESSAGE: 'the SMTP server refused the message',
};
/** OpenSSL's verdicts on a certificate or handshake, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, ERR_SSL_…. */
const TLS_FAILURE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;
/** Only identifier-like codes are copied: they cannot carry a credential. */
const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * Keeps only nodemailer's code, the underlying socket or TLS code and the SMTP reply code. Its
 * message, `response`, `command` and `cause` are dropped: they can hold the AUTH exchange or
 * the server's echo of it.
 */
function toMailError(error: unknown): MailError {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const transportCode = safeCode(fields.code);
  const reason = safeCode(fields.originalCode);
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const isTlsFailure = transportCode === 'ETLS' || (reason !== undefined && TLS_FAILURE.test(reason));
  const hint = isTlsFailure
    ? TRANSPORT_HINTS.ETLS
    : ((transportCode === undefined ? undefined : TRANSPORT_HINTS[transportCode]) ?? 'mail delivery failed');
  const detail = [transportCode, reason, responseCode].filter((part) => part !== undefined).join(' ');
  return new MailError('MAIL_SEND_FAILED', detail === '' ? `${hint}` : `${hint} (${detail})`, {
    ...(transportCode === undefined ? {} : { transportCode }),
    ...(reason === undefined ? {} : { reason }),
    ...(responseCode === undefined ? {} : { responseCode }),
  });
}

function safeCode(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_CODE.test(value) ? value : undefined;
}
