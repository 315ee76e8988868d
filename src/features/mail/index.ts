export { isMailError } from './errors.js';
export { createMailer, type Mailer } from './mailer.js';
export {
  buildTokenLink,
  invitationEmail,
  passwordResetEmail,
  registrationAttemptEmail,
  verificationEmail,
} from './templates.js';
