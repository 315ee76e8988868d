// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  closeDashboard,
  openDashboard,
  pageWithAuthenticator,
  waitShown,
  watched,
  watchedPage,
  XSS_PAYLOADS,
} from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * The second factors on the account screen in Chromium against a real server: a passkey added
 * with Chromium's DevTools virtual authenticator (see passkeys.unit.test.ts), named with XSS
 * payloads and shown as text, removed once confirmed; the server's refusal to remove an
 * administrator's last factor shown; recovery codes replaced, the old ones then refused.
 */
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
});
afterAll(() => closeDashboard(app, browser));

async function openAccount(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  await page.getByTestId('factor-summary').waitFor();
}

const dialog = (page: Page) => page.locator('dialog[open]');
const passkeyRows = (page: Page) => page.locator('section[aria-labelledby="passkeys-title"] tbody tr');

describe('second factors on the account screen in Chromium', { timeout: 120_000 }, () => {
  it('adds a passkey named with XSS payloads (shown as text), re-enrols the app, removes the passkey once confirmed naming it', async () => {
    const { page, credentials } = await pageWithAuthenticator(browser);
    const operator = await firstSignIn(app, origin, page);
    await openAccount(page);
    // The server takes names of up to 64 characters.
    const name = `${XSS_PAYLOADS[0]} ${XSS_PAYLOADS[1]}`;
    await page.getByLabel('Passkey name').fill(name);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await passkeyRows(page).first().waitFor();
    expect(await credentials()).toBe(1);
    expect(await passkeyRows(page).locator('td').first().textContent()).toBe(name);
    await waitShown(page, 'Passkeys: 1.');
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);

    // With the passkey kept, the authenticator app may go, once confirmed; then it is set up anew.
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    expect(await dialog(page).textContent()).toContain('Its codes stop signing you in');
    await dialog(page).getByRole('button', { name: 'Remove authenticator app' }).click();
    await waitShown(page, 'Authenticator app: off.');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) as string;
    await page.getByLabel('Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await waitShown(page, 'Authenticator app: on.');

    await page.getByRole('button', { name: `Remove the passkey ${name}` }).click();
    expect(await dialog(page).getByRole('heading').textContent()).toBe(`Remove the passkey “${name}”?`);
    // Cancel keeps it.
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    expect(await passkeyRows(page).count()).toBe(1);
    await page.getByRole('button', { name: `Remove the passkey ${name}` }).click();
    await dialog(page).getByRole('button', { name: 'Remove passkey' }).click();
    await waitShown(page, 'No passkeys.');
    const stored = await app.database.db
      .selectFrom('webauthn_credentials')
      .select('id')
      .where('user_id', '=', operator.id)
      .execute();
    expect(stored).toHaveLength(0);

    // The authenticator app is now this administrator's only factor: the server refuses, the screen says why.
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    await dialog(page).getByRole('button', { name: 'Remove authenticator app' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/factor/i);
    expect(await page.getByTestId('factor-summary').textContent()).toContain('Authenticator app: on.');
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('replaces the recovery codes once confirmed: the old ones are then refused by the API', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    await openAccount(page);

    const replace = async (): Promise<string[]> => {
      await page.getByRole('button', { name: 'Replace recovery codes' }).click();
      expect(await dialog(page).textContent()).toContain('remaining recovery codes stop working at once');
      await dialog(page).getByRole('button', { name: 'Replace recovery codes' }).click();
      await page.getByTestId('recovery-codes').waitFor();
      const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
      await page.getByRole('button', { name: 'I have saved them' }).click();
      return codes;
    };
    const first = await replace();
    expect(first).toHaveLength(10);
    const second = await replace();
    expect(second).toHaveLength(10);

    const signIn = (code: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { email: operator.email, password: PASSWORD, code },
      });
    expect((await signIn(first[0] as string)).statusCode).toBe(401);
    expect((await signIn(second[0] as string)).statusCode).toBe(200);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
