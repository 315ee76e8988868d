export { registerApiKeyRoutes } from './api-key-routes.js';
export { API_KEY_SCOPES, type ApiKeyScope, type ApiKeyService, createApiKeyService } from './api-key-service.js';
