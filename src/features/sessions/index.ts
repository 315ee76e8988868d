export { registerAuthentication } from './authenticate.js';
export { registerRefusalAudit } from './refusal-audit.js';
export { registerSessionRoutes } from './routes/session-routes.js';
export { registerSignInRoutes } from './routes/sign-in-routes.js';
export { type ClientMeta, createSessionService, type SessionService, type SignInState } from './session-service.js';
export { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.js';
