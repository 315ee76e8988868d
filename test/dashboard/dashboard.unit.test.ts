// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../packages/client/src/filter.js';
import { createCollection, createRecord, newAdmin } from '../helpers/collections-client.js';
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
import { firstSignIn, signInForm } from './operator.js';

/**
 * The dashboard in Debian's Chromium against a real server on `http://localhost:PORT` (a secure
 * context, so the `__Host-` session cookie is kept): an administrator's first sign-in with the
 * forced TOTP enrolment, a later one with password and code, the collections and records
 * screens with stored XSS payloads in every value they show, framing, and an expired session.
 * Named `*.unit.test.ts`: nothing here depends on the database dialect.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
const PLAIN_RECORDS = 14;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  const creator = await newAdmin(app);
  await createCollection(app, creator, {
    name: 'notes',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'body', type: 'text' },
    ],
    // A rule is text an administrator wrote, shown on the collections screen.
    rules: { list: `title != ${quote(XSS_PAYLOADS[0] as string)}`, view: '', create: null, update: null, delete: null },
  });
  // The payloads last: newest first, they fill the first page.
  for (let n = 1; n <= PLAIN_RECORDS; n++) await createRecord(app, 'notes', creator.headers, { title: `plain ${n}` });
  for (const payload of XSS_PAYLOADS)
    await createRecord(app, 'notes', creator.headers, { title: payload, body: payload });
});
afterAll(() => closeDashboard(app, browser));

/** Every table cell's text on the page. */
const cellTexts = (page: Page) => page.locator('td').allTextContents();

// Each test walks several screens in a real browser on a shared, loaded machine.
describe('the dashboard in Chromium', { timeout: 90_000 }, () => {
  it('enrols a new administrator, signs in with password and TOTP, and browses collections and records', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page, true);
    expect(await page.getByTestId('signed-in-email').textContent()).toBe(operator.email);
    // The server's idle timeout (30 minutes by default), counted from this tab's last request.
    expect(await page.getByTestId('idle-timeout').textContent()).toBe('Signs out after 30 min idle (30 min left)');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInForm(page, operator.email);
    await page.getByRole('heading', { name: 'Second step' }).waitFor();
    await screenshot(page, 'second-step');
    await page.getByLabel('Code').fill(freshTotpCode(operator.secret, operator.usedCodes));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    expect(await cellTexts(page)).toContain(`title != ${quote(XSS_PAYLOADS[0] as string)}`);
    await screenshot(page, 'collections');

    await page.getByRole('link', { name: 'notes' }).click();
    await waitShown(page, `Page 1 of 2 (${XSS_PAYLOADS.length + PLAIN_RECORDS} records)`);
    const cells = await cellTexts(page);
    for (const payload of XSS_PAYLOADS) expect(cells.filter((text) => text === payload)).toHaveLength(2);
    await screenshot(page, 'records');

    await page.getByLabel('Filter').fill('title = "plain 3"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Page 1 of 1 (1 records)').waitFor();
    expect(await cellTexts(page)).toContain('plain 3');
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await page.getByLabel('Sort by').selectOption('title');
    await page.getByLabel('Order').selectOption('asc');
    await page.getByText('Page 1 of 2').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'records-phone');

    // Nothing a user stored became markup or ran, and the CSP had nothing to block.
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
    // The hook is live: a payload that ran would have been counted.
    await page.evaluate('pwned()');
    expect((await watched(page)).pwned).toBe(1);
  });

  it('cannot be framed by another origin', async () => {
    // Another origin: a server of the test's own on 127.0.0.1 (not localhost, so another origin),
    // whose page frames the dashboard.
    const framer = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><iframe src="${origin}/_/"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    try {
      const page = await watchedPage(browser);
      const answers: Record<string, string>[] = [];
      page.on('response', (response) => {
        if (response.url() === `${origin}/_/`) answers.push(response.headers());
      });
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      await page.waitForLoadState('load');
      expect(answers[0]?.['x-frame-options']).toBe('DENY');
      expect(answers[0]?.['content-security-policy']).toContain("frame-ancestors 'none'");
      const framed = page.frames().find((frame) => frame !== page.mainFrame());
      expect(framed?.url()).not.toBe(`${origin}/_/`);
      const rendered = await framed?.evaluate("document.getElementById('app') !== null").catch(() => false);
      expect(rendered).toBe(false);
    } finally {
      framer.close();
    }
  });

  it('sends an operator whose session went idle back to sign-in, saying why', async () => {
    const page = await watchedPage(browser);
    const operator = await firstSignIn(app, origin, page);
    // The collections list loaded first: a list request still in flight when the session is
    // aged would itself be refused and reach sign-in before the click below has a link.
    const notes = page.getByRole('link', { name: 'notes' });
    await notes.waitFor();
    // What the idle timeout does to an unused session, without waiting for it.
    await app.database.db.updateTable('sessions').set({ last_seen_ms: 0 }).where('user_id', '=', operator.id).execute();
    await notes.click();
    await page.getByRole('heading', { name: 'Sign in to Bulwark' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Your session has ended');
    await screenshot(page, 'session-ended');
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
