export { registerAdminSetupRoutes } from './admin-setup-routes.js';
export { registerSessionAdminRoutes } from './session-admin-routes.js';
export { registerSetupPage } from './setup-page.js';
export { registerUserAdminRoutes } from './user-admin-routes.js';
