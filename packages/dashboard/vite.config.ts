import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The dashboard is built into the server's own `dist/dashboard` (served at `/_/` by
 * src/features/dashboard). The output must hold under the dashboard CSP: no inline script (Vite's
 * module-preload polyfill is one, so it is off: every browser the dashboard supports has
 * modulepreload), no inline style (CSS goes to a file), hashed names for long-lived caching.
 */
export default defineConfig({
  base: '/_/',
  // The rule editor checks rules with the server's own code, bundled from src/ (no copy); that
  // entry reaches no node:* module (test/browser-entries.unit.test.ts). tsconfig.json maps it too.
  resolve: {
    alias: {
      '@bulwark/rule-check': fileURLToPath(new URL('../../src/features/collections/browser.ts', import.meta.url)),
    },
  },
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2022',
  },
});
