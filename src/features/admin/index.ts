export { DASHBOARD_CSP, registerSetupPage } from './setup-page.js';
