export { type AccountMailer, createAccountMailer } from './account-mailer.js';
export { normaliseEmail } from './account-rules.js';
export { type AccountService, createAccountService } from './account-service.js';
export { MIN_DERIVED_WORD_CODE_POINTS, PRODUCT_WORDS } from './password/banned-words.js';
export { createPasswordPolicyCheck, createPasswordTools, warmUpPasswordPolicy } from './password-tools.js';
export { registerAccountRoutes } from './routes/account-routes.js';
export { registerEmailChangeRoutes } from './routes/email-change-routes.js';
export { ImportEmailTaken, type ImportedAccount, INVITATION_TTL_SECONDS, importAccounts } from './user-import.js';
export { type AdminUserChange, createUsersRepo, type UsersRepo } from './users-repo.js';
