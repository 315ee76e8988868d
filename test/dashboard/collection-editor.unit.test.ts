// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../packages/client/src/filter.js';
import { type Account, adminApi, createRecord, newAdmin } from '../helpers/collections-client.js';
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
import { openSchema, typeRule } from './schema-page.js';

/**
 * The collections editor in Chromium: a collection created, changed and deleted through the
 * form, each step read back through the API; the destructive steps ask first and name the loss;
 * XSS payloads in select values and rule text stay text. Names cannot carry them: the server
 * takes only `^[a-z][a-z0-9_]{0,39}$`, and its refusal is shown as text.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
let admin: Account;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  admin = await newAdmin(app);
});
afterAll(() => closeDashboard(app, browser));

const LIST_RULE = `tag != ${quote(XSS_PAYLOADS[1] as string)}`;
const field = (page: Page, index: number) => page.getByTestId(`field-${index}`);

/** The collection as the API has it, or the status when it has none. */
async function fromApi(name: string) {
  const response = await adminApi(app).get(admin.headers, name);
  return response.statusCode === 200 ? response.json() : response.statusCode;
}

/** The open confirmation: its text, and whether Cancel holds the focus. */
async function confirmation(page: Page) {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const cancelFocused = await page.evaluate('document.activeElement?.textContent === "Cancel"');
  return { dialog, text: await dialog.textContent(), cancelFocused };
}

describe('the collections editor in Chromium', { timeout: 150_000 }, () => {
  let page: Page;
  beforeAll(async () => {
    page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Schema' }).click();
  });

  it('shows the server refusing a markup collection name as text', async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByLabel('Collection name').fill(XSS_PAYLOADS[0] as string);
    await field(page, 0).getByLabel('Name').fill('title');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(
      'Invalid body. name: must match pattern "^[a-z][a-z0-9_]{0,39}$"',
    );
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('creates a collection with every field option and rule, as the API then reads it', async () => {
    await page.getByLabel('Collection name').fill('shelf');
    const title = field(page, 0);
    await title.getByLabel('required').check();
    await title.getByLabel('Min').fill('1');
    await title.getByLabel('Max').fill('200');
    await title.getByLabel('Pattern').fill('\\S');
    const added = [
      { name: 'tag', type: 'select' },
      { name: 'note', type: 'text' },
      { name: 'code', type: 'text' },
      { name: 'views', type: 'number' },
    ];
    for (const [offset, { name, type }] of added.entries()) {
      await page.getByRole('button', { name: 'Add a field' }).click();
      await field(page, offset + 1)
        .getByLabel('Name')
        .fill(name);
      await field(page, offset + 1)
        .getByLabel('Type')
        .selectOption(type);
    }
    await field(page, 1).getByLabel('Values, one a line').fill(XSS_PAYLOADS.join('\n'));
    await field(page, 2).getByLabel('hidden').check();
    await field(page, 3).getByLabel('encrypted').check();
    await field(page, 4).getByLabel('unique').check();
    await typeRule(page, 'list', LIST_RULE);
    await page.getByTestId('rule-list-check').getByText('valid', { exact: true }).waitFor();
    await page.getByLabel('Who may view').selectOption('anyone');
    await typeRule(page, 'create', '@request.auth.id != ""');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: 'Edit shelf' }).waitFor();

    expect(await fromApi('shelf')).toEqual({
      name: 'shelf',
      fields: [
        { name: 'title', type: 'text', required: true, min: 1, max: 200, pattern: '\\S' },
        { name: 'tag', type: 'select', values: XSS_PAYLOADS },
        { name: 'note', type: 'text', hidden: true },
        { name: 'code', type: 'text', encrypted: true },
        { name: 'views', type: 'number', unique: true },
      ],
      rules: { list: LIST_RULE, view: '', create: '@request.auth.id != ""', update: null, delete: null },
    });
    // The payloads are back in the form as values, and nothing ran.
    expect(await field(page, 1).getByLabel('Values, one a line').inputValue()).toBe(XSS_PAYLOADS.join('\n'));
    expect(await page.getByLabel('list expression').inputValue()).toBe(LIST_RULE);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('removes a field holding values only after a confirmation naming it and the records', async () => {
    for (const views of [1, 2, 3]) {
      await createRecord(app, 'shelf', admin.headers, {
        title: `book ${views}`,
        tag: XSS_PAYLOADS[2],
        note: 'n',
        views,
      });
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Edit shelf' }).waitFor();
    await page.getByRole('button', { name: 'Remove field note' }).click();
    await page.getByRole('button', { name: 'Add a field' }).click();
    await field(page, 4).getByLabel('Name').fill('rating');
    await field(page, 4).getByLabel('Type').selectOption('number');
    await typeRule(page, 'list', 'views > 2');

    await page.getByRole('button', { name: 'Save changes' }).click();
    let shown = await confirmation(page);
    expect(shown.text).toContain('Remove the field note from shelf?');
    expect(shown.text).toContain('The values of note in every record of shelf (3 records) are lost');
    expect(shown.cancelFocused).toBe(true);
    await shown.dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await fromApi('shelf')).fields.map((f: { name: string }) => f.name)).toContain('note');

    await page.getByRole('button', { name: 'Save changes' }).click();
    shown = await confirmation(page);
    await screenshot(page, 'collection-editor');
    await shown.dialog.getByRole('button', { name: 'Save and remove note' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await waitShown(page, 'Field rating');
    const changed = await fromApi('shelf');
    expect(changed.fields.map((f: { name: string }) => f.name)).toEqual(['title', 'tag', 'code', 'views', 'rating']);
    expect(changed.rules.list).toBe('views > 2');
  });

  it('deletes the collection only after a confirmation naming it and its record count', async () => {
    await openSchema(page, 'shelf');
    await page.getByRole('button', { name: 'Delete collection shelf' }).click();
    const shown = await confirmation(page);
    expect(shown.text).toContain('Delete the collection shelf?');
    expect(shown.text).toContain('Its 3 records, its fields and its rules are deleted');
    expect(shown.cancelFocused).toBe(true);
    await shown.dialog.getByRole('button', { name: 'Delete shelf and its 3 records' }).click();
    await page.getByRole('heading', { name: 'Schema', exact: true }).waitFor();
    expect(await fromApi('shelf')).toBe(404);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it("sets a file field's types and limits, and lets clients write a hidden field", async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByLabel('Collection name').fill('albums');
    await field(page, 0).getByLabel('Name').fill('cover');
    await field(page, 0).getByLabel('Type').selectOption('file');
    await field(page, 0).getByLabel('Accepted types, one a line').fill('image/png\nimage/jpeg');
    await field(page, 0).getByLabel('Most files').fill('3');
    await field(page, 0).getByLabel('Largest file (bytes)').fill('100000');
    await page.getByRole('button', { name: 'Add a field' }).click();
    await field(page, 1).getByLabel('Name').fill('flag');
    await field(page, 1).getByLabel('hidden').check();
    await field(page, 1).getByLabel('clientWritable').check();
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: 'Edit albums' }).waitFor();
    expect((await fromApi('albums')).fields).toEqual([
      { name: 'cover', type: 'file', types: ['image/png', 'image/jpeg'], maxSelect: 3, maxSizeBytes: 100000 },
      { name: 'flag', type: 'text', hidden: true, clientWritable: true },
    ]);
    // Read back into the form as saved.
    expect(await field(page, 0).getByLabel('Most files').inputValue()).toBe('3');
    expect(await field(page, 1).getByLabel('clientWritable').isChecked()).toBe(true);
  });
});
