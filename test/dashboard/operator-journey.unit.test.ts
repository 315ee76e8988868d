// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../packages/client/src/index.js';
import { PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { closeDashboard, openDashboard, screenshot, waitShown, watched, watchedPage } from './dashboard-page.js';
import { enrolTotp, signInForm } from './operator.js';
import { typeRule } from './schema-page.js';

/**
 * A new operator's first hour, in Chromium on a server with no administrator yet: the set-up
 * link makes the first administrator, the dashboard makes them enrol TOTP, they create a
 * collection whose rules keep each user to their own records, two users add records through
 * the API, each sees only their own, and the operator's records browser sees both.
 */
let app: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
});
afterAll(() => closeDashboard(app, browser));

const OWN = 'owner = @request.auth.id';

/** A user of the application, signed up and in through the client (bearer). */
async function appUser(label: string) {
  const client = createClient({ url: origin, auth: { mode: 'bearer' } });
  const email = uniqueEmail(label);
  const id = (await client.auth.signUp({ email, password: PASSWORD })).user?.id as string;
  await client.auth.signIn({ email, password: PASSWORD });
  return { id, notes: client.collection('notes') };
}

describe('a new operator, from the set-up link to records kept apart', { timeout: 150_000 }, () => {
  it('sets up, enrols, creates a collection with a rule, and each user sees only their own records', async () => {
    const page = await watchedPage(browser);
    const link = (await app.createSetupLink(origin)) as string;
    await page.goto(link);
    const email = uniqueEmail('first-operator');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await waitShown(page, `Administrator ${email} created. Sign in to continue.`);
    // The token left the address bar as soon as the page read it.
    expect(page.url()).toBe(`${origin}/_/setup`);

    await page.goto(`${origin}/_/`);
    await signInForm(page, email);
    await enrolTotp(page);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Schema' }).click();
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.getByLabel('Collection name').fill('notes');
    const title = page.getByTestId('field-0');
    await title.getByLabel('Name').fill('title');
    await title.getByLabel('required').check();
    await page.getByRole('button', { name: 'Add a field' }).click();
    const owner = page.getByTestId('field-1');
    await owner.getByLabel('Name').fill('owner');
    await owner.getByLabel('Type').selectOption('relation');
    await owner.getByLabel('Related collection').selectOption('users');
    for (const action of ['list', 'view', 'update', 'delete']) await typeRule(page, action, OWN);
    await typeRule(page, 'create', `@request.auth.id != "" && ${OWN}`);
    await page.getByTestId('rule-create-check').getByText('valid', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: 'Edit notes' }).waitFor();
    await screenshot(page, 'journey-collection');

    const alice = await appUser('alice');
    const bob = await appUser('bob');
    await alice.notes.create({ title: 'alice 1', owner: alice.id });
    await alice.notes.create({ title: 'alice 2', owner: alice.id });
    await bob.notes.create({ title: 'bob 1', owner: bob.id });
    // Bob cannot file a note under Alice's name either.
    await expect(bob.notes.create({ title: 'forged', owner: alice.id })).rejects.toMatchObject({ status: 403 });
    const titles = async (notes: typeof alice.notes) => (await notes.list({ sort: 'title' })).items.map((n) => n.title);
    expect(await titles(alice.notes)).toEqual(['alice 1', 'alice 2']);
    expect(await titles(bob.notes)).toEqual(['bob 1']);

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Collections' }).click();
    await page.getByRole('link', { name: 'notes' }).click();
    await waitShown(page, 'Page 1 of 1 (3 records)');
    const cells = await page.locator('td').allTextContents();
    for (const text of ['alice 1', 'alice 2', 'bob 1']) expect(cells).toContain(text);
    expect(cells).not.toContain('forged');
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });
});
