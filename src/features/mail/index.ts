export { isMailError, MailError, type MailErrorCode } from './errors.js';
export { createMailer, type Mailer, type MailerOptions, type MailMessage } from './mailer.js';
export { parseSmtpUrl, type SmtpEndpoint } from './smtp-url.js';
export {
  buildTokenLink,
  escapeHtml,
  invitationEmail,
  type MailContent,
  passwordResetEmail,
  type RegistrationAttemptInput,
  registrationAttemptEmail,
  type TokenMailInput,
  verificationEmail,
} from './templates.js';
export {
  findMailTransportRisks,
  type MailTransportFinding,
  type MailTransportFindingId,
} from './transport-findings.js';
