// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { closeDashboard, openDashboard, pageWithAuthenticator, screenshot, watched } from './dashboard-page.js';
import { signInForm } from './operator.js';

/**
 * Passkeys in the dashboard: a new administrator registers one as the forced second factor,
 * then signs in with it alone, and uses it as the second step after a password. Chromium's
 * DevTools virtual authenticator (CTAP2, user verification on) answers the WebAuthn calls the
 * dashboard makes through the client, on `http://localhost:PORT` (RP ID `localhost`).
 */
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
});
afterAll(() => closeDashboard(app, browser));

describe('passkeys in the dashboard', { timeout: 90_000 }, () => {
  it('an administrator enrols a passkey, signs in with it alone, and uses it as the second step', async () => {
    const { page, credentials } = await pageWithAuthenticator(browser);
    const email = uniqueEmail('passkey-operator');
    const { id } = await app.auth.accounts.createAdmin(email, PASSWORD);

    await page.goto(`${origin}/_/`);
    await signInForm(page, email);
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    await page.getByRole('button', { name: 'Register a passkey instead' }).click();
    await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
    expect(await page.locator('.codes li').count()).toBe(10);
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await credentials()).toBe(1);
    const stored = await app.database.db
      .selectFrom('webauthn_credentials')
      .select('user_id')
      .where('user_id', '=', id)
      .execute();
    expect(stored).toHaveLength(1);

    // The passkey alone: no password typed, no code asked.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await page.getByTestId('signed-in-email').textContent()).toBe(email);

    // Password first, then the passkey as the second step.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInForm(page, email);
    await page.getByRole('heading', { name: 'Second step' }).waitFor();
    await screenshot(page, 'second-step-passkey');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('a passkey sign-in the browser refuses leaves the operator on sign-in with a message', async () => {
    const { page } = await pageWithAuthenticator(browser);
    await page.goto(`${origin}/_/`);
    // This browser profile holds no passkey for the server: the ceremony fails in the browser.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Bulwark' }).isVisible()).toBe(true);
    expect(await page.getByRole('alert').textContent()).not.toBe('');
  });
});
