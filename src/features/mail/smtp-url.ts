import { MailError } from './errors.js';

/** Where and how to reach the SMTP server, read from the mail URL. */
export interface SmtpEndpoint {
  /** `smtps://`: TLS from the first byte (usually port 465). `smtp://`: STARTTLS when offered. */
  isImplicitTls: boolean;
  host: string;
  /** Unset when the URL names none: nodemailer then uses 465 for smtps and 587 for smtp. */
  port: number | undefined;
  user: string | undefined;
  pass: string | undefined;
}

const USAGE = 'use smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]';

/**
 * Parses `smtp://` and `smtps://` URLs with the WHATWG parser. Error messages never echo the
 * URL: it may carry the SMTP password, and Node's own `ERR_INVALID_URL` keeps the whole input
 * on the error, so that error is replaced rather than wrapped.
 */
export function parseSmtpUrl(url: string): SmtpEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(`mail URL is not a valid URL; ${USAGE}`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw configError(`mail URL has scheme "${parsed.protocol}"; ${USAGE}`);
  }
  // Options in the query string (nodemailer reads some, e.g. to turn certificate checks off)
  // would bypass MailerOptions; refuse rather than silently ignore them.
  if (parsed.search !== '' || parsed.hash !== '' || (parsed.pathname !== '' && parsed.pathname !== '/')) {
    throw configError(`mail URL takes no path, query or fragment; ${USAGE}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw configError(`mail URL names no host; ${USAGE}`);
  return {
    isImplicitTls: parsed.protocol === 'smtps:',
    host,
    port: parsed.port === '' ? undefined : Number(parsed.port),
    user: parsed.username === '' ? undefined : decodeCredential(parsed.username),
    pass: parsed.password === '' ? undefined : decodeCredential(parsed.password),
  };
}

function decodeCredential(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw configError('mail URL credentials are not valid percent-encoding; encode reserved characters (@ → %40)');
  }
}

function configError(message: string): MailError {
  return new MailError('MAIL_CONFIG_INVALID', message);
}
