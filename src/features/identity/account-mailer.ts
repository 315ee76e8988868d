import type { FrozenConfig } from '../../config/index.js';
import { isLoopbackHost } from '../../lib/net/ip.js';
import {
  buildTokenLink,
  createMailer,
  invitationEmail,
  type Mailer,
  passwordResetEmail,
  registrationAttemptEmail,
  verificationEmail,
} from '../mail/index.js';
import { MAILED_TOKEN_TTL_SECONDS } from './account-service.js';

/** Mail the auth routes send; null when no SMTP server is configured. */
export interface AccountMailer {
  sendVerification: (email: string, token: string, baseUrl: string) => Promise<void>;
  sendPasswordReset: (email: string, token: string, baseUrl: string) => Promise<void>;
  sendRegistrationAttempt: (email: string, baseUrl: string) => Promise<void>;
  sendEmailChange: (newEmail: string, token: string, baseUrl: string) => Promise<void>;
  /** An account made by an operator: a set-password link valid `expiresInMinutes`. */
  sendInvitation: (email: string, token: string, baseUrl: string, expiresInMinutes: number) => Promise<void>;
}

const APP_NAME = 'Bulwark';

/**
 * The account mails over the configured SMTP server, or null without one. Links carry their
 * token in the fragment (`/_/reset#token`), which browsers never send to a server.
 */
export function createAccountMailer(config: FrozenConfig): (AccountMailer & { close: () => void }) | null {
  const url = config.smtp.url;
  if (!url) return null;
  // Loopback relays (a local MTA) are exempt from the TLS requirement: nothing crosses a network.
  const host = new URL(url).hostname;
  const mailer: Mailer = createMailer({
    url,
    from: config.smtp.from,
    requireTls: config.smtp.requireTls && !isLoopbackHost(host),
  });
  const expiresInMinutes = MAILED_TOKEN_TTL_SECONDS / 60;
  return {
    sendVerification: (email, token, baseUrl) =>
      mailer.send({
        to: email,
        ...verificationEmail({
          link: buildTokenLink(baseUrl, '/_/verify', token),
          appName: APP_NAME,
          expiresInMinutes,
        }),
      }),
    sendPasswordReset: (email, token, baseUrl) =>
      mailer.send({
        to: email,
        ...passwordResetEmail({
          link: buildTokenLink(baseUrl, '/_/reset', token),
          appName: APP_NAME,
          expiresInMinutes,
        }),
      }),
    sendRegistrationAttempt: (email, baseUrl) =>
      mailer.send({
        to: email,
        ...registrationAttemptEmail({ appName: APP_NAME, resetLink: `${baseUrl.replace(/\/+$/, '')}/_/forgot` }),
      }),
    // The new address proves it is reachable and owned by confirming, exactly like a sign-up.
    sendEmailChange: (email, token, baseUrl) =>
      mailer.send({
        to: email,
        ...verificationEmail({
          link: buildTokenLink(baseUrl, '/_/confirm-email', token),
          appName: APP_NAME,
          expiresInMinutes,
        }),
      }),
    sendInvitation: (email, token, baseUrl, linkMinutes) =>
      mailer.send({
        to: email,
        ...invitationEmail({
          link: buildTokenLink(baseUrl, '/_/reset', token),
          appName: APP_NAME,
          expiresInMinutes: linkMinutes,
        }),
      }),
    close: () => mailer.close(),
  };
}
