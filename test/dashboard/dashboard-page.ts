import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { addVirtualAuthenticator } from '../helpers/chromium-webauthn.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';

/** The built dashboard the server serves (`npm run build` writes it). */
export const BUILD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

/** The dashboard's source (packages/dashboard/src). */
export const SOURCE_DIR = fileURLToPath(new URL('../../packages/dashboard/src/', import.meta.url));

/** Screenshots of each screen, kept as test artefacts (gitignored); the README shows two. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../artifacts/dashboard/', import.meta.url));

/**
 * Stored-XSS payloads: each calls `pwned()`, which only the test defines, if it ever runs — as
 * markup, an event handler, a script URL or a template. Shown as text, they never do.
 */
export const XSS_PAYLOADS = [
  '<img src=x onerror="pwned()">',
  '<script>pwned()</script>',
  '"><svg onload=pwned()>',
  "'';!--\"<XSS>=&{()}",
  'javascript:pwned()',
  '<iframe srcdoc="<script>parent.pwned()</script>">',
  '{{constructor.constructor("pwned()")()}}',
];

/** Debian's Chromium, headless: the browser an operator would use. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Runs in the page before its own scripts (a string: this project's types have no DOM). */
const WATCH_SCRIPT = `
  window.__pwned = 0;
  window.__violations = [];
  window.pwned = () => { window.__pwned += 1; };
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

/**
 * A page that records whether `pwned()` ever ran and every CSP violation the browser reports
 * (`securitypolicyviolation`, Trusted Types included). Installed by the test harness before any
 * page script, so no page can hide either.
 */
export async function watchedPage(browser: Browser, width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  // A screen that never comes fails its wait well before the test's own timeout.
  page.setDefaultTimeout(20_000);
  await page.addInitScript(WATCH_SCRIPT);
  return page;
}

/** How often `pwned()` ran, and the CSP violations seen, on this page so far. */
export function watched(page: Page): Promise<{ pwned: number; violations: string[] }> {
  return page.evaluate('({ pwned: window.__pwned, violations: window.__violations })');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/**
 * Waits for `text` on the page; when it never shows, the error says what the page saw (a
 * script that ran, a CSP or Trusted Types violation), which is usually why.
 */
export async function waitShown(page: Page, text: string): Promise<void> {
  try {
    await page.getByText(text).first().waitFor();
  } catch (error) {
    throw new Error(`"${text}" was not shown; the page saw ${JSON.stringify(await watched(page))}`, { cause: error });
  }
}

/** A dashboard test's server and browser: the app on a real port, reached as `http://localhost:PORT`. */
export interface DashboardRig {
  app: TestApp;
  /** `http://localhost:PORT`: a secure context whose host is a valid RP ID and keeps `__Host-` cookies. */
  origin: string;
  browser: Browser;
}

/** Starts a test app listening on a free port and Debian's Chromium beside it. */
export async function openDashboard(options: TestAppOptions = { logLevel: 'silent' }): Promise<DashboardRig> {
  const app = await createTestApp(options);
  const origin = `http://localhost:${new URL(await app.start()).port}`;
  return { app, origin, browser: await launchChromium() };
}

/** Closes what `openDashboard` started (either may be missing when its start failed). */
export async function closeDashboard(app: TestApp | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await app?.close();
}

/** A page of a new browser profile with a platform authenticator holding no credential yet. */
export async function pageWithAuthenticator(
  browser: Browser,
): Promise<{ page: Page; credentials: () => Promise<number> }> {
  const page = await watchedPage(browser);
  const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length;
  return { page, credentials };
}
