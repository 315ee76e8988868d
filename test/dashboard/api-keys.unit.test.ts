// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, PASSWORD } from '../helpers/collections-client.js';
import { freshTotpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  closeDashboard,
  openDashboard,
  screenshot,
  waitShown,
  watched,
  watchedPage,
  XSS_PAYLOADS,
} from './dashboard-page.js';
import { firstSignIn, type Operator } from './operator.js';

/**
 * The API keys screen in Chromium against a real server: key names with stored XSS payloads shown
 * as text, a key made, shown once and copied, that then works; rotation with its overlap stated;
 * revocation only after confirming.
 */
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
});
afterAll(() => closeDashboard(app, browser));

/** The key's own status at `GET /api/auth/me`. */
const meWith = async (key: string) => (await app.http.inject({ url: '/api/auth/me', headers: bearer(key) })).statusCode;

/** Keys of the operator made over HTTP by a bearer sign-in of theirs (password and code, so recent). */
async function keysNamed(operator: Operator, names: string[]): Promise<void> {
  const code = freshTotpCode(operator.secret, operator.usedCodes);
  operator.usedCodes.add(code);
  const token = await app.http.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { email: operator.email, password: PASSWORD, code },
  });
  expect(token.statusCode, token.body).toBe(200);
  for (const name of names) {
    const made = await app.http.inject({
      method: 'POST',
      url: '/api/keys',
      headers: bearer(token.json().accessToken),
      payload: { name, scopes: ['profile:read'], expiresIn: 3600 },
    });
    expect(made.statusCode, made.body).toBe(201);
  }
}

async function openKeys(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
}

const dialog = (page: Page) => page.locator('dialog[open]');

describe('the API keys screen in Chromium', { timeout: 120_000 }, () => {
  it('shows key names holding XSS payloads as text', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    await keysNamed(operator, XSS_PAYLOADS);
    await openKeys(page);
    await page.locator('td').first().waitFor();
    const cells = await page.locator('td').allTextContents();
    for (const payload of XSS_PAYLOADS) expect(cells).toContain(payload);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'api-keys-phone');
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('makes a key shown once with a copy button, rotates it with its overlap stated, revokes the new one', async () => {
    const page = await watchedPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await firstSignIn(app, origin, page);
    await openKeys(page);
    await page.getByLabel('Name').fill('deploy bot');
    await page.getByLabel(/profile:read/).check();
    await page.getByLabel('Expires after').selectOption({ label: '7 days' });
    await page.getByRole('button', { name: 'Create key' }).click();
    await waitShown(page, 'Copy the key "deploy bot" now');
    const key = (await page.getByTestId('new-key').textContent()) as string;
    await page.getByRole('button', { name: 'Copy key' }).click();
    await waitShown(page, 'Copied.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    expect(await meWith(key)).toBe(200);
    expect(await page.locator('td').allTextContents()).toContain('profile:read');
    await screenshot(page, 'api-keys');
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    // Shown once: gone from the page, and never written to the browser's storage.
    expect(await page.content()).not.toContain(key);
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);

    await page.getByRole('button', { name: 'Rotate deploy bot' }).click();
    expect(await dialog(page).textContent()).toContain("keeps working for the server's rotation overlap");
    await dialog(page).getByRole('button', { name: 'Rotate key' }).click();
    await waitShown(page, 'keeps working until');
    const rotated = (await page.getByTestId('new-key').textContent()) as string;
    expect(rotated).not.toBe(key);
    expect(await meWith(rotated)).toBe(200);
    expect(await meWith(key)).toBe(200);
    await waitShown(page, 'replaced; works until');

    await page.getByRole('button', { name: 'Revoke deploy bot' }).click();
    expect(await dialog(page).textContent()).toContain('Revoke the key "deploy bot"?');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    expect(await meWith(rotated)).toBe(200);
    await page.getByRole('button', { name: 'Revoke deploy bot' }).click();
    await dialog(page).getByRole('button', { name: 'Revoke key' }).click();
    await waitShown(page, 'revoked');
    expect(await meWith(rotated)).toBe(401);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
