// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, createCollection, createRecord, newAdmin } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { closeDashboard, openDashboard, screenshot, watched, watchedPage } from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * Schema as code in the dashboard: the schema file downloaded is the API's export; a file pasted
 * back is reviewed as a dry run first; one that would delete records asks, naming how many, and
 * cancelling changes nothing; a file that is not JSON is refused before anything is sent.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
let admin: Awaited<ReturnType<typeof newAdmin>>;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  admin = await newAdmin(app);
  for (const name of ['keep', 'doomed']) {
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules: {} });
  }
  for (const title of ['a', 'b', 'c']) await createRecord(app, 'doomed', admin.headers, { title });
});
afterAll(() => closeDashboard(app, browser));

const names = async () =>
  ((await adminApi(app).get(admin.headers)).json().items as Array<{ name: string }>).map((c) => c.name);

describe('the schema file in the dashboard', { timeout: 120_000 }, () => {
  it('downloads the export, and applies a file only after a review that names the data lost', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Schema' }).click();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download schema file' }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const fromApi = (await app.http.inject({ method: 'GET', url: '/api/admin/schema', headers: admin.headers })).json();
    expect(exported).toEqual(fromApi);

    const input = page.getByLabel('Schema file to apply (paste its JSON)');
    await input.fill('{ not json');
    await page.getByRole('button', { name: 'Review and apply' }).click();
    expect(await page.getByRole('alert').textContent()).toBe(
      'The schema file is not valid JSON: paste the whole file, as downloaded here or written by `bulwark schema export`.',
    );

    // Without `doomed`, with a new collection: the review names both and the three records lost.
    const next = {
      ...exported,
      collections: [
        ...exported.collections.filter((c: { name: string }) => c.name !== 'doomed'),
        { name: 'fresh', fields: [{ name: 'title', type: 'text' }], rules: {} },
      ],
    };
    await input.fill(JSON.stringify(next));
    await page.getByRole('button', { name: 'Review and apply' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const review = (await dialog.textContent()) as string;
    for (const words of ['add collection fresh', 'remove collection doomed', '3 records of doomed']) {
      expect(review).toContain(words);
    }
    await screenshot(page, 'schema-file');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await names()).sort()).toEqual(['doomed', 'keep']);

    await page.getByRole('button', { name: 'Review and apply' }).click();
    await dialog.getByRole('button', { name: 'Apply and delete data' }).click();
    // The list reloads with the new collection, and the outcome of the apply is still shown.
    await page.getByRole('link', { name: 'Edit fresh' }).waitFor();
    expect(await page.getByRole('status', { name: 'Applied' }).textContent()).toContain('add collection fresh');
    expect((await names()).sort()).toEqual(['fresh', 'keep']);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
