// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The start-up link opened in a real browser, as the operator would. */
let app: TestApp;
let browser: Browser;
let baseUrl: string;
beforeAll(async () => {
  app = await createTestApp({ logLevel: 'silent' });
  baseUrl = await app.start();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await app.close();
});

describe('the set-up page', () => {
  it('creates the first administrator from the link, under the strict CSP, and forgets the token', async () => {
    const link = (await app.createSetupLink(baseUrl)) as string;
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(link);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'.*object-src 'none'/);
    expect(page.url()).not.toContain('#');
    await page.fill('input[name=email]', 'owner@example.com');
    await page.fill('input[name=password]', 'password1234');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#result')).toMatch(/breached/i);
    await page.fill('input[name=password]', 'correct horse battery staple 42');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#result')).toContain('Administrator owner@example.com created');
    expect(violations).toEqual([]);
    expect(await app.auth.accounts.users.countAdmins()).toBe(1);
    await page.close();
  });

  it('explains itself when opened without the token', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/_/setup`);
    await expect.poll(() => page.textContent('#result')).toContain('needs the set-up link');
    await page.close();
  });
});
