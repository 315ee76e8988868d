import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { screenshot } from './dashboard-page.js';

/** An administrator signed in to the dashboard, with what a later sign-in needs. */
export interface Operator {
  id: string;
  email: string;
  secret: string;
  usedCodes: Set<string>;
}

/**
 * A new administrator without a second factor signs in at `origin`: the dashboard makes them
 * enrol TOTP, shows the recovery codes, then the collections screen.
 */
export async function firstSignIn(app: TestApp, origin: string, page: Page, shots = false): Promise<Operator> {
  const email = uniqueEmail('operator');
  const { id } = await app.auth.accounts.createAdmin(email, PASSWORD);
  await page.goto(`${origin}/_/`);
  await signInForm(page, email, shots);
  return { id, email, ...(await enrolTotp(page, shots)) };
}

/**
 * The forced TOTP enrolment after an administrator's password: the secret read off the screen,
 * a first code, the ten recovery codes, then the collections screen.
 */
export async function enrolTotp(page: Page, shots = false): Promise<Pick<Operator, 'secret' | 'usedCodes'>> {
  await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()) as string;
  if (shots) await screenshot(page, 'enrolment');
  const code = totpCode(secret);
  await page.getByLabel('Code from the app').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Keep your recovery codes' }).waitFor();
  expect(await page.locator('.codes li').count()).toBe(10);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByRole('heading', { name: 'Collections' }).waitFor();
  return { secret, usedCodes: new Set([code]) };
}

/** Fills and sends the sign-in form (email and the test password). */
export async function signInForm(page: Page, email: string, shots = false): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  if (shots) await screenshot(page, 'sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Ages every session of `userId` past the step-up window (password and second factor long
 * ago), so the next admin write asks for a step-up.
 */
export async function ageStepUp(app: TestApp, userId: string): Promise<void> {
  await app.database.db
    .updateTable('sessions')
    .set({ reauth_ms: 0, factor_ms: 0 })
    .where('user_id', '=', userId)
    .execute();
}
