export { registerDashboard } from './dashboard-routes.js';
