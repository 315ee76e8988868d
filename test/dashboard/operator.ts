import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';

export interface Operator {
  id: string;
  email: string;
  secret: string;
  usedCodes: Set<string>;
}

/**
 * A new administrator's first sign-in in the browser, with the forced TOTP enrolment, as
 * dashboard.unit.test.ts walks it: the sign-in then counts as a recent step-up for 5 minutes.
 */
export async function firstSignIn(app: TestApp, origin: string, page: Page): Promise<Operator> {
  const email = uniqueEmail('operator');
  const { id } = await app.auth.accounts.createAdmin(email, PASSWORD);
  await page.goto(`${origin}/_/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) as string;
  const code = totpCode(secret);
  await page.getByLabel('Code from the app').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
  expect(await page.locator('.codes li').count()).toBe(10);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByRole('heading', { name: 'Collections' }).waitFor();
  return { id, email, secret, usedCodes: new Set([code]) };
}

/** What a step-up window does once it has passed, without waiting 5 minutes. */
export async function ageStepUp(app: TestApp, userId: string): Promise<void> {
  await app.database.db
    .updateTable('sessions')
    .set({ reauth_ms: 0, factor_ms: 0 })
    .where('user_id', '=', userId)
    .execute();
}
