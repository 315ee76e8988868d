// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../packages/client/src/filter.js';
import { type Account, createCollection, newAdmin, newUser, uniqueEmail } from '../helpers/collections-client.js';
import { loopbackClient } from '../helpers/loopback-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  closeDashboard,
  launchChromium,
  screenshot,
  waitShown,
  watched,
  watchedPage,
  XSS_PAYLOADS,
} from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * The audit log, bans and security screens in Chromium against a real server: audit details a
 * user wrote (record ids of refused writes, sign-in emails, an administrator's rules) shown as
 * text, filters giving what the API gives for the same filter, a real ban (failed sign-ins
 * from 127.0.0.5) listed and lifted after a confirmation, and the configuration findings.
 */
let app: TestApp;
let origin: string;
let url: string;
let browser: Browser;
let user: Account;
let admin: Account;
const BAN_LIMIT = 6;
const ATTACKER = '127.0.0.5';
/** Payloads the email format lets through, so they reach the audit log as sign-in emails. */
const EMAIL_PAYLOADS = ["x'onerror=pwned`@example.com", '{{constructor.constructor}}@example.com'];
/** An administrator's rule holding every payload: audited with the collection it guards. */
const LIST_RULE = XSS_PAYLOADS.map((payload) => `title != ${quote(payload)}`).join(' && ');

beforeAll(async () => {
  app = await createTestApp({
    logLevel: 'silent',
    // A small ban limit, and a CORS origin over plain HTTP: a medium finding to show.
    env: { BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_LIMIT), BULWARK_CORS_ORIGINS: 'http://app.example.test' },
  });
  url = await app.start();
  origin = `http://localhost:${new URL(url).port}`;
  browser = await launchChromium();
  admin = await newAdmin(app);
  user = await newUser(app, 'writer');
  await createCollection(app, admin, {
    name: 'notes',
    fields: [{ name: 'title', type: 'text' }],
    rules: { list: LIST_RULE, view: '' },
  });
  // A user's refused updates: the record id in the address is the user's text, audited as given.
  for (const payload of XSS_PAYLOADS) {
    const response = await app.http.inject({
      method: 'PATCH',
      url: `/api/collections/notes/records/${encodeURIComponent(payload)}`,
      headers: user.headers,
      payload: { title: payload },
    });
    expect(response.statusCode, response.body).toBe(404);
  }
  // Another user's refused write: the same event, another actor, for the actor filter to leave out.
  const other = await newUser(app, 'other');
  const refused = await app.http.inject({
    method: 'PATCH',
    url: '/api/collections/notes/records/plain',
    headers: other.headers,
    payload: { title: 'plain' },
  });
  expect(refused.statusCode, refused.body).toBe(404);
  for (const email of EMAIL_PAYLOADS) {
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'x' },
    });
    expect(response.statusCode, response.body).toBe(401);
  }
});
afterAll(() => closeDashboard(app, browser));

/** The API's answer to an audit search, as an administrator sees it. */
async function apiAudit(query: Record<string, string>) {
  const response = await app.http.inject({ url: '/api/admin/audit', query, headers: admin.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { totalItems: number; items: { details: Record<string, unknown> }[] };
}

const shownDetails = (page: Page) => page.getByTestId('audit-details').allTextContents();
const asShown = (details: Record<string, unknown>) =>
  Object.keys(details).length === 0 ? '' : JSON.stringify(details, null, 2);

/** Submits the audit filters and checks the page shows exactly the API's entries for them. */
async function search(page: Page, filters: Record<string, string>, query: Record<string, string>) {
  await page.getByRole('button', { name: 'Clear filters' }).click();
  for (const [label, value] of Object.entries(filters)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Search' }).click();
  const expected = await apiAudit({ ...query, perPage: '20' });
  await expect.poll(() => shownDetails(page)).toEqual(expected.items.map((item) => asShown(item.details)));
  await waitShown(
    page,
    expected.totalItems > 0 ? `(${expected.totalItems} entries)` : 'No entry matches these filters.',
  );
  return expected;
}

const noMarkup = async (page: Page) => {
  expect(await page.locator('main img, main svg, main iframe, main script, main xss').count()).toBe(0);
  expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
};

describe('audit log, bans and security in Chromium', { timeout: 120_000 }, () => {
  it('searches the audit log by every filter, pages, and shows details a user wrote as text', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    const refused = await search(
      page,
      { 'Event type or family': 'records.write.denied', 'Actor (user id or system)': user.id },
      { event: 'records.write.denied', actor: user.id },
    );
    expect(refused.totalItems).toBe(XSS_PAYLOADS.length);
    const ids = (await shownDetails(page)).map((text) => JSON.parse(text).id);
    expect(ids.sort()).toEqual([...XSS_PAYLOADS].sort());
    await screenshot(page, 'audit');

    const failures = await search(
      page,
      { 'Event type or family': 'auth.login.failure' },
      { event: 'auth.login.failure' },
    );
    expect(failures.items.map((item) => item.details.email).sort()).toEqual([...EMAIL_PAYLOADS].sort());
    const created = await search(page, { 'Event type or family': 'collections.*' }, { event: 'collections.*' });
    expect(created.items[0]?.details.rules).toMatchObject({ list: LIST_RULE });
    await search(page, { Address: '127.0.0.1' }, { ip: '127.0.0.1' });
    // A range in the future holds nothing; the form's local time reaches the server as an instant.
    await search(page, { 'From (your local time)': '2099-01-01T00:00:00' }, { from: '2099-01-01T00:00:00Z' });
    await search(page, { 'To (your local time)': '2000-01-01T00:00:00' }, { to: '2000-01-01T00:00:00Z' });
    // A refused filter shows the server's reason.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Address', { exact: true }).fill('not-an-address');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('must be an IPv4 or IPv6 address');
    await noMarkup(page);

    // Paging: the second page is the API's second page.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const second = await apiAudit({ page: '2', perPage: '20' });
    expect(second.items.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => shownDetails(page)).toEqual(second.items.map((item) => asShown(item.details)));

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'audit-phone');
    await noMarkup(page);
  });

  it('lists a real ban and lifts it after a confirmation naming the address; the address is served again', async () => {
    const attacker = loopbackClient(url, ATTACKER);
    for (let n = 0; n < BAN_LIMIT; n++)
      await attacker.post('/api/auth/login', { email: uniqueEmail('guess'), password: 'x' });
    expect((await attacker.get('/api/health')).status).toBe(403);

    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'Bans' }).click();
    const lift = page.getByRole('button', { name: `Lift ban on ${ATTACKER}` });
    await lift.waitFor();
    expect(await page.locator('td').allTextContents()).toContain(ATTACKER);
    await screenshot(page, 'bans');

    // Asked first, naming the address and what lifting does; Cancel has the focus; Escape keeps the ban.
    await lift.click();
    const dialog = page.getByRole('dialog', { name: `Lift the ban on ${ATTACKER}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Requests from ${ATTACKER} are served again at once`);
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
    await screenshot(page, 'bans-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await attacker.get('/api/health')).status).toBe(403);

    await lift.click();
    await dialog.getByRole('button', { name: 'Lift ban' }).click();
    await waitShown(page, `The ban on ${ATTACKER} is lifted: its requests are served again.`);
    await waitShown(page, 'No address is banned.');
    expect((await attacker.get('/api/health')).status).toBe(200);
    await noMarkup(page);
  });

  it('shows every configuration finding with its severity and fix, on the landing screen too', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const summary = (await app.http.inject({ url: '/api/admin/security/summary', headers: admin.headers })).json();
    expect(summary.findings.length).toBeGreaterThan(0);
    await waitShown(page, `Security: ${summary.findings.length} medium finding`);
    await page.getByRole('link', { name: 'Security' }).first().click();
    await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
    const items = await page.locator('.finding').allTextContents();
    expect(items).toHaveLength(summary.findings.length);
    const label: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };
    summary.findings.forEach((finding: { severity: string; message: string; fix: string }, n: number) => {
      expect(items[n]).toMatch(new RegExp(`^${label[finding.severity]} `));
      expect(items[n]).toContain(finding.message);
      expect(items[n]).toContain(`Fix: ${finding.fix}`);
    });
    for (const event of summary.events) expect(await page.locator('td').allTextContents()).toContain(event.name);
    await screenshot(page, 'security');
    await noMarkup(page);
  });
});
