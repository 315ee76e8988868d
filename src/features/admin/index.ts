export { registerSetupPage } from './setup-page.js';
