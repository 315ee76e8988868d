export { registerMfaRoutes } from './routes/mfa-routes.js';
export { verifyPasskey } from './routes/passkey-checks.js';
export { registerWebauthnRoutes } from './routes/webauthn-routes.js';
export { type CodeMethod, createSecondFactors, type SecondFactors } from './second-factors.js';
