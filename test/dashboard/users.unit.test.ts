// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, newUser, PASSWORD } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { ALL_DEAD, credentialsOf, statusesOf } from '../helpers/user-admin-client.js';
import {
  closeDashboard,
  openDashboard,
  screenshot,
  waitShown,
  watched,
  watchedPage,
  XSS_PAYLOADS,
} from './dashboard-page.js';
import { ageStepUp, firstSignIn } from './operator.js';

/**
 * The users screen in Chromium against a real server: stored XSS in every user field it shows,
 * disabling that really ends the user's credentials, a delete that asks first, the step-up
 * dialog when the operator's sign-in is no longer recent, and the incident action.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
const hostile: Account[] = [];

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  // Made first: the list is oldest first, so they fill page 1. A name is free text; an email
  // is stored as given here, as a lax import or identity provider might have let it in.
  for (const [n, payload] of XSS_PAYLOADS.entries()) {
    const user = await newUser(app, `xss${n}`);
    await app.database.db
      .updateTable('users')
      .set({ name: payload, email: payload })
      .where('id', '=', user.id)
      .execute();
    hostile.push({ ...user, email: payload });
  }
});
afterAll(() => closeDashboard(app, browser));

async function openUsers(page: Page, emailPrefix?: string): Promise<void> {
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  if (emailPrefix) {
    await page.getByLabel('Email starts with').fill(emailPrefix);
    await page.getByRole('button', { name: 'Search' }).click();
    await waitShown(page, '(1 users)');
  }
}

async function manage(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: `Manage ${email}` }).click();
  await page.getByRole('heading', { name: email, level: 2 }).waitFor();
}

const dialogText = (page: Page) => page.locator('dialog[open]').textContent();
const sessionCount = async (userId: string) =>
  (await app.database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).length;

describe('the users screen in Chromium', { timeout: 120_000 }, () => {
  it('shows stored XSS payloads in emails and names as text, at 1280 and 390 px', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await openUsers(page);
    await waitShown(page, 'Page 1 of 1');
    const cells = await page.locator('td').allTextContents();
    // Each payload is both the email and the name of one user: two cells each.
    for (const payload of XSS_PAYLOADS) expect(cells.filter((text) => text === payload)).toHaveLength(2);
    await manage(page, XSS_PAYLOADS[0] as string);
    await screenshot(page, 'users');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'users-phone');
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('disabling a user, once confirmed, ends its cookie session, bearer tokens and API keys', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const target = await newUser(app, 'disable');
    const credentials = await credentialsOf(app, target);
    const sessions = await sessionCount(target.id);
    await openUsers(page, target.email);
    await manage(page, target.email);
    await page.getByRole('button', { name: 'Disable user' }).click();
    const asked = await dialogText(page);
    expect(asked).toContain(`Disable ${target.email}?`);
    expect(asked).toContain(`Their ${sessions} sessions and token families end at once and their API keys are revoked`);
    // Cancel is focused first: Enter or Escape never destroys anything.
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
    await page.locator('dialog[open]').getByRole('button', { name: 'Disable user' }).click();
    await waitShown(page, `${target.email} is disabled.`);
    expect(await statusesOf(app, credentials)).toEqual(ALL_DEAD);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('asks before deleting: Cancel keeps the user, confirming removes it', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const target = await newUser(app, 'delete');
    await openUsers(page, target.email);
    await manage(page, target.email);
    await page.getByRole('button', { name: 'Delete user' }).click();
    expect(await dialogText(page)).toContain(`Delete user ${target.email}?`);
    expect(await dialogText(page)).toContain('Their 1 session and token families end at once');
    await page.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('dialog[open]').count()).toBe(0);
    // From the keyboard too: Escape is a cancel, never a delete.
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    expect(await app.auth.accounts.users.findById(target.id)).toBeTruthy();
    expect((await app.http.inject({ url: '/api/auth/me', headers: target.headers })).statusCode).toBe(200);

    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete user' }).click();
    await waitShown(page, `${target.email} is deleted.`);
    await waitShown(page, 'No users match.');
    expect(await app.auth.accounts.users.findById(target.id)).toBeFalsy();
  });

  it('asks for the password when the sign-in is no longer recent, then does the action', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    const target = await newUser(app, 'stepup');
    await openUsers(page, target.email);
    await manage(page, target.email);
    await ageStepUp(app, operator.id);

    const disable = async () => {
      await page.getByRole('button', { name: 'Disable user' }).click();
      await page.locator('dialog[open]').getByRole('button', { name: 'Disable user' }).click();
      await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    };
    await disable();
    const password = page.getByLabel('Your password');
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.getAttribute('autocomplete')).toBe('current-password');
    // The server asked for the password alone (admin writes): no code field.
    expect(await page.getByLabel(/authenticator/).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitShown(page, 'Cancelled: nothing was changed.');
    expect((await app.http.inject({ url: '/api/auth/me', headers: target.headers })).statusCode).toBe(200);

    await disable();
    await password.fill('not the password at all');
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.locator('dialog[open]').getByRole('alert').waitFor();
    expect(await page.locator('dialog[open]').getByRole('alert').textContent()).toBe('Wrong email or password');
    await screenshot(page, 'step-up');
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await waitShown(page, `${target.email} is disabled.`);
    // Confirmed once: the action ran again after the step-up without asking a second time.
    expect(await page.locator('dialog[open]').count()).toBe(0);
    expect((await app.http.inject({ url: '/api/auth/me', headers: target.headers })).statusCode).toBe(401);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  // Last: it ends every session on this server.
  it('ends every session of everyone after naming what ends, the operator signed out too', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const bystander = await newUser(app, 'bystander');
    await openUsers(page);
    // What ends, counted from the database itself.
    const live = await app.database.db
      .selectFrom('sessions')
      .select(({ fn }) => [fn.countAll<number>().as('sessions'), fn.count<number>('user_id').distinct().as('users')])
      .where('expires_ms', '>', Date.now())
      .executeTakeFirstOrThrow();
    expect(Number(live.users)).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'End every session of everyone' }).click();
    expect(await dialogText(page)).toContain(
      `The ${Number(live.sessions)} sessions and token families of ${Number(live.users)} users end at once, yours included`,
    );
    await page.locator('dialog[open]').getByRole('button', { name: 'End every session' }).click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    await waitShown(page, 'Every session has ended, yours included.');
    expect((await app.http.inject({ url: '/api/auth/me', headers: bystander.headers })).statusCode).toBe(401);
  });
});
