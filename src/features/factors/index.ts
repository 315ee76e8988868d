export { registerMfaRoutes } from './routes/mfa-routes.js';
export { registerWebauthnRoutes, verifyPasskey } from './routes/webauthn-routes.js';
export { type CodeMethod, createSecondFactors, type SecondFactors } from './second-factors.js';
