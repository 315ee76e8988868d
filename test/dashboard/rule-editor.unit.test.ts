// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, adminApi, createCollection, newAdmin, uniqueName } from '../helpers/collections-client.js';
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
 * The rule editor checks each rule as it is typed with the server's own parser and checks
 * (bundled from src/): for every rule below, the message and position it shows are those a real
 * `POST /api/admin/collections` answers for the same rule and fields.
 */
let app: TestApp;
let origin: string;
let browser: Browser;
let admin: Account;
const FIELDS = [
  { name: 'title', type: 'text' },
  { name: 'count', type: 'number' },
  { name: 'owner', type: 'relation', collection: 'users' },
  { name: 'secret', type: 'text', encrypted: true },
];

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  admin = await newAdmin(app);
  await createCollection(app, admin, { name: 'posts', fields: FIELDS });
});
afterAll(() => closeDashboard(app, browser));

/** The API's answer for `rule` as a list rule of a collection with the same fields. */
async function apiAnswer(rule: string): Promise<{ field: string; message: string }> {
  const response = await adminApi(app).create(admin.headers, {
    name: uniqueName('probe'),
    fields: FIELDS,
    rules: { list: rule },
  });
  expect(response.statusCode, response.body).toBe(400);
  const [error] = response.json().errors as { field: string; message: string }[];
  return error as { field: string; message: string };
}

/** Line, column and the caret's line for a 0-based position, as a person counts them. */
function expectedPlace(rule: string, message: string) {
  const position = Number(/ at character (\d+)$/.exec(message)?.[1]) - 1;
  const lines = rule.slice(0, position).split('\n');
  const column = (lines.at(-1) as string).length + 1;
  return {
    where: `Line ${lines.length}, column ${column}: `,
    caret: `${rule.split('\n')[lines.length - 1]}\n${' '.repeat(column - 1)}^`,
  };
}

const BROKEN = [
  'title = "a" &&',
  '(title = "a" || count > 2',
  'count > "ten"',
  'title = "a" ||\n  nope = 1',
  'owner.email = "x"',
  'secret = "x"',
  `title = ${JSON.stringify(XSS_PAYLOADS[0])} && count ~ 1`,
  'title = "unterminated',
  '@request.auth.nope = 1',
];

describe('the rule editor in Chromium', { timeout: 120_000 }, () => {
  let page: Page;
  beforeAll(async () => {
    page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await openSchema(page, 'posts');
  });

  it('shows for a broken rule the message and position the API answers', async () => {
    for (const rule of BROKEN) {
      const answer = await apiAnswer(rule);
      expect(answer.field).toBe('rules.list');
      await typeRule(page, 'list', rule);
      const check = page.getByTestId('rule-list-check');
      expect(await check.getByTestId('rule-list-check-message').textContent(), rule).toBe(answer.message);
      const { where, caret } = expectedPlace(rule, answer.message);
      expect(await check.locator('p.error').textContent(), rule).toBe(where + answer.message);
      expect(await check.locator('pre.caret').textContent(), rule).toBe(caret);
      expect(await page.getByLabel('list expression').getAttribute('aria-invalid')).toBe('true');
    }
    await typeRule(page, 'list', 'title = "a" ||\n  nope = 1');
    await screenshot(page, 'rule-editor');
  });

  it('flags a field the collection does not have, and shows valid for a rule it would save', async () => {
    await typeRule(page, 'view', 'owner = @request.auth.id && colour = "red"');
    expect(await page.getByTestId('rule-view-check-message').textContent()).toBe(
      'unknown field "colour" at character 29',
    );
    // A field added in the form counts before it is saved.
    await page.getByRole('button', { name: 'Add a field' }).click();
    await page.getByTestId('field-4').getByLabel('Name').fill('colour');
    await page.getByTestId('rule-view-check').getByText('valid', { exact: true }).waitFor();
    await typeRule(page, 'update', '@request.auth.id != "" && (owner = @request.auth.id || count >= 3)');
    expect(await page.getByTestId('rule-update-check').textContent()).toBe('valid');
    expect(await page.getByLabel('update expression').getAttribute('aria-invalid')).toBe('false');
  });

  it('still has the server check on save and shows its answer', async () => {
    await page
      .getByTestId('field-4')
      .getByRole('button', { name: /Remove field/ })
      .click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitShown(page, 'unknown field "colour" at character 29');
    expect(await page.getByRole('alert').textContent()).toContain('unknown field "colour" at character 29');
    // Beside the rule it names, too.
    expect(await page.getByTestId('rule-view-server').textContent()).toBe(
      'The server refused this rule at the last save: unknown field "colour" at character 29',
    );
    const saved = (await adminApi(app).get(admin.headers, 'posts')).json();
    expect(saved.rules.view).toBeNull();
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
