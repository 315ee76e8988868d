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
 * The operator's own account screen in Chromium against a real server: a password change that
 * really replaces the password, "end all others" that really signs another browser out, and a
 * user agent holding XSS payloads shown as text.
 */
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
});
afterAll(() => closeDashboard(app, browser));

const NEW_PASSWORD = 'a different horse, battery and staple 43';

async function openAccount(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Sessions' }).waitFor();
  await page.locator('section[aria-labelledby="sessions-title"] tbody tr').first().waitFor();
}

/** Signs `page` (a fresh browser context) in as the operator: password, then a TOTP code. */
async function signIn(page: Page, operator: Operator, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(operator.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function secondStep(page: Page, operator: Operator): Promise<void> {
  await page.getByRole('heading', { name: 'Second step' }).waitFor();
  const code = freshTotpCode(operator.secret, operator.usedCodes);
  operator.usedCodes.add(code);
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  // Signed in, on the route the page was at (the account screen after a sign-out there).
  await page.getByTestId('signed-in-email').waitFor();
}

const sessionRows = (page: Page) => page.locator('section[aria-labelledby="sessions-title"] tbody tr');

describe('the account screen in Chromium', { timeout: 120_000 }, () => {
  it('changes the password: the new one signs in, the old one no longer does', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    await openAccount(page);
    expect(await page.getByTestId('account-email').textContent()).toBe(operator.email);
    for (const label of ['New password', 'New password again']) {
      expect(await page.getByLabel(label, { exact: true }).getAttribute('autocomplete')).toBe('new-password');
      expect(await page.getByLabel(label, { exact: true }).getAttribute('type')).toBe('password');
    }

    // The server's policy refusal is shown as its text, and nothing changes.
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/password/i);

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitShown(page, 'Password changed.');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, operator, PASSWORD);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Bulwark' }).isVisible()).toBe(true);
    await signIn(page, operator, NEW_PASSWORD);
    await secondStep(page, operator);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('"end all others", once confirmed naming how many, sends another browser back to sign-in', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    const other = await watchedPage(browser);
    await other.goto(`${origin}/_/`);
    await signIn(other, operator);
    await secondStep(other, operator);

    await openAccount(page);
    await sessionRows(page).nth(1).waitFor();
    expect(await sessionRows(page).count()).toBe(2);
    expect(await page.locator('tr[aria-current="true"]').textContent()).toContain('This session');
    await page.getByRole('button', { name: 'End all other sessions' }).click();
    const dialog = page.locator('dialog[open]');
    expect(await dialog.textContent()).toContain('your 1 other session');
    await dialog.getByRole('button', { name: 'End other sessions' }).click();
    // One row left: this session (the row's text says so).
    await expect.poll(() => sessionRows(page).count()).toBe(1);
    // Nothing left to end: said, with no dialog asking to end none.
    await page.getByRole('button', { name: 'End all other sessions' }).click();
    await waitShown(page, 'You have no other sessions: only this one is signed in, nothing to end.');
    expect(await page.locator('dialog[open]').count()).toBe(0);

    // The other browser's next action finds its sign-in over.
    await other.getByRole('link', { name: 'Users' }).click();
    await other.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    expect(await other.getByRole('status').textContent()).toContain('Your session has ended');
  });

  it('shows a session whose user agent holds XSS payloads as text, at 1280 and 390 px', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    // The server keeps the first 200 characters of a user agent.
    const userAgent = XSS_PAYLOADS.join(' ').slice(0, 200);
    const code = freshTotpCode(operator.secret, operator.usedCodes);
    operator.usedCodes.add(code);
    const token = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'user-agent': userAgent },
      payload: { email: operator.email, password: PASSWORD, code },
    });
    expect(token.statusCode, token.body).toBe(200);

    await openAccount(page);
    await sessionRows(page).nth(1).waitFor();
    const cells = await page.locator('section[aria-labelledby="sessions-title"] td').allTextContents();
    expect(cells).toContain(userAgent);
    await screenshot(page, 'account');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'account-phone');
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);

    // Ending that one session: the confirmation names its device (as text), then its token is refused.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: `End the session of ${userAgent}` }).click();
    expect(await page.locator('dialog[open] h2').textContent()).toBe(`End the session of ${userAgent}?`);
    await page.locator('dialog[open]').getByRole('button', { name: 'End session' }).click();
    await expect.poll(() => sessionRows(page).count()).toBe(1);
    const me = await app.http.inject({ url: '/api/auth/me', headers: bearer(token.json().accessToken) });
    expect(me.statusCode).toBe(401);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
