import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * A new administrator signs in to the dashboard at `origin` for the first time: password, the
 * forced TOTP enrolment, the recovery codes, then the shell. Admin writes pass for the next
 * minutes (a fresh sign-in with the second factor counts as a step-up).
 */
export async function firstSignIn(app: TestApp, origin: string, page: Page): Promise<{ email: string }> {
  const email = uniqueEmail('operator');
  await app.auth.accounts.createAdmin(email, PASSWORD);
  await page.goto(`${origin}/_/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) as string;
  await page.getByLabel('Code from the app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
  expect(await page.locator('.codes li').count()).toBe(10);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByRole('heading', { name: 'Collections' }).waitFor();
  return { email };
}
