export { registerOidcRoutes } from './oidc-routes.js';
export { createOidcService } from './oidc-service.js';
