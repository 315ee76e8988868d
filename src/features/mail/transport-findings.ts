import { isLoopbackHost } from '../../lib/net/ip.js';
import type { MailerOptions } from './mailer.js';
import { parseSmtpUrl } from './smtp-url.js';

export type MailTransportFindingId = 'mail-tls-not-required' | 'mail-tls-unverified';

/** One weakness of a mail configuration, shaped for the named checks of `serve` and `audit`. */
export interface MailTransportFinding {
  id: MailTransportFindingId;
  message: string;
  fix: string;
}

/**
 * Configuration findings for a mail transport. Mail carries sign-in links and, on the way to
 * the server, the SMTP password; on a network an attacker can reach, both must travel inside
 * verified TLS. A loopback relay (a local MTA that takes it from there) raises nothing.
 *
 * - `mail-tls-not-required`: `smtp://` to a non-loopback host without `requireTls`. STARTTLS
 *   is used when offered, but someone on the path can strip the offer (STARTTLS downgrade).
 * - `mail-tls-unverified`: `tlsRejectUnauthorized: false` to a non-loopback host, so anyone
 *   on the path can present their own certificate.
 *
 * Throws `MailError('MAIL_CONFIG_INVALID')` when the URL itself is unusable.
 */
export function findMailTransportRisks(
  options: Pick<MailerOptions, 'url' | 'requireTls' | 'tlsRejectUnauthorized'>,
): MailTransportFinding[] {
  const endpoint = parseSmtpUrl(options.url);
  if (isLoopbackHost(endpoint.host)) return [];
  const findings: MailTransportFinding[] = [];
  if (!endpoint.isImplicitTls && options.requireTls !== true) {
    findings.push({
      id: 'mail-tls-not-required',
      message: `mail goes to ${endpoint.host} over smtp:// without required TLS; links and SMTP credentials can be read or downgraded on the way`,
      fix: 'use an smtps:// URL, or set requireTls so STARTTLS is mandatory',
    });
  }
  if (options.tlsRejectUnauthorized === false) {
    findings.push({
      id: 'mail-tls-unverified',
      message: `the certificate of the SMTP server ${endpoint.host} is not verified`,
      fix: 'remove tlsRejectUnauthorized: false and give the server a certificate the system trusts',
    });
  }
  return findings;
}
