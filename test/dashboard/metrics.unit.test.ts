// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD } from '../helpers/auth-client.js';
import { newUser } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { closeDashboard, openDashboard, screenshot, waitShown, watched, watchedPage } from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * The metrics screen in Chromium: uPlot draws the four charts from `GET /api/admin/metrics`
 * under the dashboard's strict CSP (`style-src 'self'`, Trusted Types) with no violation, and
 * the totals show the failed sign-ins that happened.
 */
const FAILURES = 3;
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  const user = await newUser(app, 'target');
  for (let i = 0; i < FAILURES; i++) {
    const failed = await app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { email: user.email, password: OTHER_PASSWORD },
    });
    expect(failed.statusCode).toBe(401);
  }
  await app.audit.flush();
});
afterAll(() => closeDashboard(app, browser));

/** The value of the totals row labelled `label`. */
const total = (page: Page, label: string) => page.getByRole('row', { name: label }).getByTestId('total').textContent();

describe('the metrics screen in Chromium', { timeout: 90_000 }, () => {
  it('draws the four charts with uPlot under the strict CSP, and shows the totals', async () => {
    const page = await watchedPage(browser);
    const csp = (await page.request.get(`${origin}/_/metrics`)).headers()['content-security-policy'] ?? '';
    // The policy the charts must live with: no inline style, Trusted Types required.
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("require-trusted-types-for 'script'");

    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Metrics', level: 1 }).waitFor();
    await waitShown(page, 'Since this instance started');
    for (const title of [
      'Sign-ins per minute',
      'Access denials per minute',
      'Bans issued per minute',
      'Request latency',
    ]) {
      const chart = page.getByRole('figure', { name: title });
      await chart.locator('.uplot canvas').waitFor();
      expect(await chart.getByRole('img').getAttribute('aria-label')).toMatch(
        new RegExp(`^${title}\\. Minute under way: `),
      );
    }
    expect(await page.locator('.uplot').count()).toBe(4);
    // uPlot sized its parts through the CSSOM, which the CSP allows; no style attribute was refused.
    expect(await page.evaluate("document.querySelector('.u-wrap').style.width")).toMatch(/^\d+px$/);
    // The failed sign-ins before, and the operator's own successful one.
    expect(Number(await total(page, 'Sign-ins failed'))).toBeGreaterThanOrEqual(FAILURES);
    expect(Number(await total(page, 'Sign-ins succeeded'))).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('figure', { name: 'Sign-ins per minute' }).textContent()).toContain('Failed');
    await screenshot(page, 'metrics');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.uplot canvas').first().waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'metrics-phone');
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
