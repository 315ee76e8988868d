// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, newAdmin, recordsApi } from '../helpers/collections-client.js';
import { PNG_1X1 } from '../helpers/files-client.js';
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
import { firstSignIn } from './operator.js';

/**
 * The records editor in Chromium: an operator creates a record through the form (payloads in
 * every text it shows), changes it, uploads a file whose name is a payload, downloads it through
 * the signed link, deletes the file and then the record, each confirmed; the API is the judge.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
let adminHeaders: Record<string, string>;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  const creator = await newAdmin(app);
  adminHeaders = creator.headers;
  await createCollection(app, creator, {
    name: 'items',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'count', type: 'number' },
      { name: 'done', type: 'bool' },
      { name: 'kind', type: 'select', values: ['plain', XSS_PAYLOADS[0] as string] },
      { name: 'extra', type: 'json' },
      { name: 'photo', type: 'file', types: ['image/png'] },
    ],
    rules: { list: '', view: '', create: null, update: null, delete: null },
  });
});
afterAll(() => closeDashboard(app, browser));

/** The record as the API gives it to an administrator. */
const view = (id: string) => recordsApi(app, 'items').view(adminHeaders, id);

describe('the records editor', { timeout: 120_000 }, () => {
  it('creates, changes and deletes a record and its file, every value shown as text', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'items' }).click();
    await page.getByRole('button', { name: 'New record' }).click();

    const title = XSS_PAYLOADS.join(' ');
    await page.getByLabel(/^title/).fill(title);
    await page.getByLabel(/^count/).fill('3');
    await page.getByLabel(/^done/).check();
    await page.getByLabel(/^kind/).selectOption(XSS_PAYLOADS[0] as string);
    await page.getByLabel(/^extra/).fill(JSON.stringify({ note: XSS_PAYLOADS[1] }));
    await page.getByRole('button', { name: 'Create record' }).click();
    const heading = page.getByRole('heading', { name: /^Record / });
    await heading.waitFor();
    const id = ((await heading.textContent()) as string).replace('Record ', '');
    expect(JSON.parse((await view(id)).body)).toMatchObject({
      title,
      count: 3,
      done: true,
      kind: XSS_PAYLOADS[0],
      extra: { note: XSS_PAYLOADS[1] },
    });
    await waitShown(page, 'Page 1 of 1 (1 records)');
    expect(await page.locator('td').allTextContents()).toContain(title);

    // A change sends what changed; the rest stays as it was.
    await page.getByLabel(/^count/).fill('4');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor({ state: 'visible' });
    await expect.poll(async () => JSON.parse((await view(id)).body).count).toBe(4);
    expect(JSON.parse((await view(id)).body).title).toBe(title);

    // A file whose name is a payload: shown as text, downloaded through its signed link.
    // (Without quotes: Chromium writes `"` in a multipart file name as %22.)
    const fileName = '<img src=x onerror=pwned()>.png';
    await page
      .getByLabel('Add a file to photo')
      .setInputFiles({ name: fileName, mimeType: 'image/png', buffer: PNG_1X1 });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(fileName, { exact: true }).first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${fileName}` }).click(),
    ]);
    // The bytes uploaded; Chromium writes `<` and `>` of the saved name as `_`.
    expect(readFileSync(await download.path()).equals(PNG_1X1)).toBe(true);
    expect(download.suggestedFilename()).toBe('_img src=x onerror=pwned()_.png');
    await screenshot(page, 'record-editor');

    // Deleting asks first and names what goes; cancelling keeps the file.
    await page.getByRole('button', { name: `Delete ${fileName}` }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(`Delete the file ${fileName}?`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(JSON.parse((await view(id)).body).photo).toMatchObject({ name: fileName });
    await page.getByRole('button', { name: `Delete ${fileName}` }).click();
    await dialog.getByRole('button', { name: 'Delete file' }).click();
    await expect.poll(async () => JSON.parse((await view(id)).body).photo).toBeNull();

    await page.getByRole('button', { name: 'Delete record' }).click();
    expect(await dialog.textContent()).toContain(`Delete record ${id} of items?`);
    await dialog.getByRole('button', { name: 'Delete record' }).click();
    await waitShown(page, 'Page 1 of 1 (0 records)');
    expect((await view(id)).statusCode).toBe(404);

    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('shows the server’s reason when a value is refused, and keeps what was typed', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.goto(`${origin}/_/collections/items`);
    await page.getByRole('button', { name: 'New record' }).click();
    await page.getByLabel(/^count/).fill('7');
    await page.getByRole('button', { name: 'Create record' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('title: is required');
    expect(await page.getByLabel(/^count/).inputValue()).toBe('7');
  });
});
