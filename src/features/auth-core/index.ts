// What every sign-in concern (identity, sessions, factors, oidc, api-keys, admin) shares: who is
// calling, the guards, the routes' dependencies and schemas, and the sign-in step that sessions,
// second factors and OIDC all end in. It sits below them so none of them imports another for it.
export { type AuthContext, toPublicUser } from './auth-context.js';
export {
  type AuthDeps,
  afterResponse,
  auditEvent,
  baseUrlFor,
  clearSessionCookie,
  SESSION_COOKIE,
  setSessionCookie,
} from './auth-deps.js';
export {
  requireAdmin,
  requireAdminWrite,
  requireFullRecentAuth,
  requireRecentAuth,
  requireSession,
  requireUser,
} from './guards.js';
export {
  Email,
  OpaqueToken,
  PasskeyResponse,
  Password,
  PublicUserSchema,
  problem,
  SecondFactorCode,
  SignInTokensSchema,
  StageFlags,
  strictBody,
  TokensSchema,
} from './route-schemas.js';
export {
  beginSignIn,
  checkSecondFactorCode,
  completeSecondStep,
  replaceWithFullSignIn,
  type SignInMode,
  signInStateFor,
} from './sign-in-completion.js';
