import type { Page } from 'playwright-core';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * A new administrator's first sign-in with the forced TOTP enrolment, as in
 * dashboard.unit.test.ts: the dashboard is then on Collections, and admin writes pass the
 * step-up check for 5 minutes.
 */
export async function firstSignIn(app: TestApp, page: Page, origin: string): Promise<void> {
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
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByRole('heading', { name: 'Collections' }).waitFor();
}

/** Opens the schema editor of one collection through the navigation, as an operator would. */
export async function openSchema(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Schema' }).click();
  await page.getByRole('link', { name: `Edit ${name}` }).click();
  await page.getByRole('heading', { name: `Edit ${name}` }).waitFor();
}

/** Makes one rule an expression and types `text` into it. */
export async function typeRule(page: Page, action: string, text: string): Promise<void> {
  await page.getByLabel(`Who may ${action}`).selectOption('expression');
  await page.getByLabel(`${action} expression`).fill(text);
}
