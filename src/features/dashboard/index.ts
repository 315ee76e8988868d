export { type DashboardOptions, registerDashboard } from './dashboard-routes.js';
