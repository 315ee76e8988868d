// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createCollection, createRecord, newAdmin } from '../helpers/collections-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver, waitUntil } from '../helpers/webhook-receiver.js';
import { registerWebhook, webhooksApi } from '../helpers/webhooks-client.js';
import { launchChromium, screenshot, waitShown, watched, watchedPage, XSS_PAYLOADS } from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * The webhooks screens in Chromium against a real server: a refused URL shows the server's
 * reason, a webhook is created (its secret shown once), its delivery to a receiver on loopback
 * (allow-listed as the webhook tests do) shows in its log after a record write, and it is
 * deleted only after a confirmation naming its URL. XSS payloads in URLs are shown as text.
 */
const ENV = {
  BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
  BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
  BULWARK_WEBHOOKS_POLL_INTERVAL_MS: '25',
  BULWARK_WEBHOOKS_RETRY_BASE_MS: '20',
  BULWARK_WEBHOOKS_RETRY_MAX_MS: '200',
};
let app: TestApp;
let origin: string;
let browser: Browser;
let receiver: WebhookReceiver;
let creator: Account;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  app = await createTestApp({ logLevel: 'silent', env: ENV });
  origin = `http://localhost:${new URL(await app.start()).port}`;
  browser = await launchChromium();
  creator = await newAdmin(app);
  await createCollection(app, creator, { name: 'notes', fields: [{ name: 'title', type: 'text' }] });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await receiver?.close();
});

const cellTexts = (page: Page) => page.locator('td').allTextContents();

describe('the webhooks screens in Chromium', { timeout: 120_000 }, () => {
  it('creates a webhook, shows its deliveries after a record write, and deletes it after confirmation', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();

    // An internal address: the server refuses it and the screen says the server's reason.
    const internal = 'http://10.0.0.7/hook';
    const refused = await webhooksApi(app).create(creator.headers, { url: internal, events: ['record.*'] });
    expect(refused.statusCode).toBe(400);
    await page.getByLabel('Endpoint URL').fill(internal);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await waitShown(page, refused.json().detail);

    const url = `${receiver.url}/in`;
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel(/^Events/).fill('record.created, record.updated');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: 'Store this signing secret now' }).waitFor();
    expect(await page.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/);
    await waitShown(page, 'record.created, record.updated');
    await screenshot(page, 'webhooks');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);

    await createRecord(app, 'notes', creator.headers, { title: 'delivered' });
    await waitUntil(() => receiver.acceptedIds('/in').length === 1, 'the receiver gets the event');
    await page.getByRole('link', { name: `Deliveries of ${url}` }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    expect(await page.getByTestId('deliveries-url').textContent()).toBe(url);
    // The log is written just after the receiver answers: refresh until it shows the outcome.
    await waitUntil(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await cellTexts(page)).includes('succeeded');
    }, 'the delivery log shows the delivery');
    const row = await page.locator('tbody tr').first().locator('td').allTextContents();
    expect(row.slice(0, 4)).toEqual(['record.created', 'succeeded', '1', '204']);
    expect(row[5]).toBe('—');
    await screenshot(page, 'webhook-deliveries');

    // Two more events whose deliveries the receiver holds unanswered: they are still to be sent.
    let release: (status: number) => void = () => {};
    const held = new Promise<number>((resolve) => {
      release = resolve;
    });
    let holding = 0;
    receiver.answer('/in', () => {
      holding += 1;
      return held;
    });
    await createRecord(app, 'notes', creator.headers, { title: 'held 1' });
    await createRecord(app, 'notes', creator.headers, { title: 'held 2' });
    await waitUntil(() => holding === 2, 'the receiver holds two deliveries');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete the webhook to ${url}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('2 deliveries waiting to be sent are dropped and never sent');
    // Cancel is focused first: Enter keeps the webhook.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await cellTexts(page)).toContain(url);
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    await screenshot(page, 'webhook-delete');
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await waitShown(page, 'No webhooks yet.');
    release(204);
    expect((await webhooksApi(app).list(creator.headers)).json().items).toEqual([]);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
  });

  it('shows XSS payloads in webhook URLs as text, on the list and the deliveries screen', async () => {
    const hooks = [];
    for (const payload of XSS_PAYLOADS) {
      const query = new URLSearchParams({ q: payload }).toString();
      hooks.push(
        await registerWebhook(app, creator, {
          url: `${receiver.url}/x/${payload}?${query}`,
          events: ['record.deleted'],
        }),
      );
    }
    const page = await watchedPage(browser, 390, 844);
    await firstSignIn(app, origin, page);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByTestId('webhook-url').first().waitFor();
    const shown = await page.getByTestId('webhook-url').allTextContents();
    for (const hook of hooks) expect(shown).toContain(hook.url);
    // The payloads are in the stored URLs, unencoded where the URL syntax allows it.
    expect(shown.some((text) => text.includes('<script>pwned()</script>'))).toBe(true);
    await screenshot(page, 'webhooks-phone');
    // Readable at phone width: nothing but the table's own scroller is wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const first = hooks[0] as { url: string };
    await page.getByRole('link', { name: `Deliveries of ${first.url}` }).click();
    await waitShown(page, 'No deliveries yet.');
    expect(await page.getByTestId('deliveries-url').textContent()).toBe(first.url);
    expect(await page.locator('main img, main svg, main iframe, main script').count()).toBe(0);
    expect(await watched(page)).toEqual({ pwned: 0, violations: [] });
    await page.evaluate('pwned()');
    expect((await watched(page)).pwned).toBe(1);
  });
});
