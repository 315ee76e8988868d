import { MailError } from './errors.js';

/** A message body ready for `Mailer.send` (add `to`). */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface TokenMailInput {
  /** A link from `buildTokenLink`: the token is in its fragment. */
  link: string;
  appName: string;
  expiresInMinutes: number;
}

export interface RegistrationAttemptInput {
  appName: string;
  /** Where the owner can start a password reset (e.g. the forgot-password page); needs no token. */
  resetLink: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/**
 * Builds `https://host/<path>#<token>`. The token goes in the fragment, never the query string:
 * browsers do not send fragments to servers, so the token stays out of access logs, proxy logs
 * and `Referer` headers (ASVS V14.2.1); the page reads it from `location.hash` and POSTs it.
 *
 * Throws `MailError('MAIL_CONFIG_INVALID')` when `baseUrl` is not a plain http(s) URL (a
 * `javascript:` link in a mail would run script), when `path` could change the origin or add a
 * query, or when the token is empty.
 *
 * @example
 * buildTokenLink('https://app.example.com', '/_/reset', token); // 'https://app.example.com/_/reset#<token>'
 */
export function buildTokenLink(baseUrl: string, path: string, token: string): string {
  const base = parseHttpUrl(baseUrl);
  if (base.username !== '' || base.password !== '' || base.search !== '' || base.hash !== '') {
    throw new MailError('MAIL_CONFIG_INVALID', 'link base URL must not carry credentials, a query or a fragment');
  }
  if (!path.startsWith('/') || path.startsWith('//') || /[?#\\]/.test(path)) {
    throw new MailError('MAIL_CONFIG_INVALID', 'link path must start with one "/" and carry no query or fragment');
  }
  if (token === '') throw new MailError('MAIL_CONFIG_INVALID', 'link token is empty');
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  return `${base.href}#${encodeURIComponent(token)}`;
}

/** The mail asking a new user to confirm their address. */
export function verificationEmail(input: TokenMailInput): MailContent {
  return tokenMail(input, {
    subject: `Confirm your email address for ${input.appName}`,
    intro: `Confirm this email address for your ${input.appName} account by opening the link below.`,
    ignore: 'If you did not create an account, ignore this email; nothing will change.',
    action: 'Confirm email address',
  });
}

/** The mail carrying a password reset link. */
export function passwordResetEmail(input: TokenMailInput): MailContent {
  return tokenMail(input, {
    subject: `Reset your ${input.appName} password`,
    intro: `Someone asked to reset the password of your ${input.appName} account. Open the link below to choose a new one.`,
    ignore: 'If it was not you, ignore this email; your password stays the same.',
    action: 'Reset password',
  });
}

/**
 * The mail inviting a user whose account an operator made (`bulwark users import`) to choose
 * a password; the link is a password-reset link, so the reset page sets it.
 */
export function invitationEmail(input: TokenMailInput): MailContent {
  return tokenMail(input, {
    subject: `Your ${input.appName} account is ready: choose a password`,
    intro: `An account with this email address was made for you at ${input.appName}. Open the link below to choose your password.`,
    ignore: 'If you did not expect this, ignore this email; nobody can sign in to the account without the link.',
    action: 'Choose a password',
  });
}

/**
 * Sent to the owner of an existing account when someone registers with their address, in
 * place of a verification mail, so the registration response never reveals whether an
 * address has an account (account enumeration).
 */
export function registrationAttemptEmail(input: RegistrationAttemptInput): MailContent {
  const link = assertHttpLink(input.resetLink);
  const intro = `Someone tried to create a ${input.appName} account with this email address, which already has one.`;
  const reset =
    'If it was you, sign in with your existing account. If you forgot your password, you can reset it here:';
  const ignore = 'If it was not you, ignore this email; your account has not changed.';
  return {
    subject: oneLine(`Your ${input.appName} account`),
    text: `${[intro, reset, link, ignore].join('\n\n')}\n`,
    html: htmlDocument([paragraph(intro), paragraph(reset), anchor(link, 'Reset password'), paragraph(ignore)]),
  };
}

interface TokenMailWording {
  subject: string;
  intro: string;
  ignore: string;
  action: string;
}

function tokenMail(input: TokenMailInput, wording: TokenMailWording): MailContent {
  const link = assertHttpLink(input.link);
  const expiry = `The link expires in ${formatMinutes(input.expiresInMinutes)} and works once.`;
  return {
    subject: oneLine(wording.subject),
    text: `${[wording.intro, link, expiry, wording.ignore].join('\n\n')}\n`,
    html: htmlDocument([
      paragraph(wording.intro),
      anchor(link, wording.action),
      paragraph(expiry),
      paragraph(wording.ignore),
    ]),
  };
}

function parseHttpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MailError('MAIL_CONFIG_INVALID', 'link base is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MailError('MAIL_CONFIG_INVALID', `link base must be an http(s) URL, not "${url.protocol}"`);
  }
  return url;
}

/** Links arrive built, but a `javascript:` or `data:` href in a mail must never be possible. */
function assertHttpLink(link: string): string {
  parseHttpUrl(link);
  return link;
}

/** A subject is one header line; an app name with a line break must not become a second header. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

function formatMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes <= 0) throw new RangeError('expiresInMinutes must be a positive integer');
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

/** The URL is shown as well as linked, so it can be copied where links are not clickable. */
function anchor(href: string, label: string): string {
  return `<p><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>\n<p>${escapeHtml(href)}</p>`;
}

function htmlDocument(blocks: string[]): string {
  return `<!doctype html>\n<html><body>\n${blocks.join('\n')}\n</body></html>\n`;
}
