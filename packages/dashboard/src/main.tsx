// First import: the Trusted Types policy exists before any other module is evaluated.
import './install-policy.js';
import { render } from 'preact';
import { App } from './app.js';
import './style.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
