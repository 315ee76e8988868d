// @module-tag slow (starts Chromium: skipped by `npm run test:quick`)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { openDashboard, watchedPage } from './dashboard-page.js';
import { firstSignIn } from './operator.js';

/**
 * An operator signed in to the dashboard visits an attacker's page, which posts a form at the
 * admin API with the operator's cookie riding along: JSON smuggled in a `text/plain` body (the
 * classic form-to-JSON trick) to create a collection, and an empty form to sign the operator out.
 * The attacker's pages are served from `localhost` on another port (same site, so the
 * `SameSite=Lax` cookie IS sent, and only the server's own checks stand in the way) and from
 * `127.0.0.1` (another site, where the browser keeps the cookie back as well).
 */
let app: TestApp;
let origin: string;
let browser: Browser;
let attacker: Server;
let attackerPort: number;

/** The attacker's page: one form that submits itself as soon as it loads. */
function formPage(action: string, enctype: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`)
    .join('');
  return `<!doctype html><form method="POST" action="${action}" enctype="${enctype}">${inputs}</form><script>document.forms[0].submit()</script>`;
}

beforeAll(async () => {
  ({ app, origin, browser } = await openDashboard());
  attacker = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    response.setHeader('content-type', 'text/html');
    if (url.pathname === '/create-collection') {
      // text/plain sends `name=value` unencoded: the pair below reads as one JSON object.
      const json = '{"name":"csrfowned","fields":[{"name":"x","type":"text"}],"rules":{},"pad":"';
      response.end(formPage(`${origin}/api/admin/collections`, 'text/plain', { [json]: '"}' }));
    } else if (url.pathname === '/sign-out') {
      response.end(formPage(`${origin}/api/auth/logout`, 'application/x-www-form-urlencoded', {}));
    } else response.end('<!doctype html><p>nothing here</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '0.0.0.0', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
});
afterAll(async () => {
  attacker?.close();
  await browser?.close();
  await app?.close();
});

/** Opens the attacker's page in the operator's browser; the API's answer to the forged post. */
async function visit(
  page: Page,
  attackerOrigin: string,
  path: string,
): Promise<{ status: number; code?: string | undefined; detail?: string | undefined }> {
  // Only the forged post: the dashboard's own requests may still be answering.
  const answered = page.waitForResponse(
    (response) => response.request().method() === 'POST' && response.url().startsWith(`${origin}/api/`),
  );
  await page.goto(`${attackerOrigin}${path}`);
  const response = await answered;
  const body = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
  return { status: response.status(), code: body.code, detail: body.detail };
}

/** Whether the operator's dashboard session still answers, read in the operator's browser. */
async function stillSignedIn(page: Page): Promise<boolean> {
  await page.goto(`${origin}/_/`);
  return page
    .getByRole('heading', { name: 'Collections' })
    .waitFor()
    .then(() => true)
    .catch(() => false);
}

/** The first check a forged post meets: its `Origin` is not the server's own (nor trusted). */
const ORIGIN_REFUSED = { status: 403, code: 'AUTH_CSRF', detail: 'Cross-origin request refused.' };

describe('a cross-site form post at the admin API', { timeout: 90_000 }, () => {
  it('from another origin of the same site: the cookie is sent, the server refuses it', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const sameSite = `http://localhost:${attackerPort}`;

    const created = await visit(page, sameSite, '/create-collection');
    expect(created).toEqual(ORIGIN_REFUSED);
    expect(
      await app.database.db.selectFrom('collections').select('name').where('name', '=', 'csrfowned').execute(),
    ).toEqual([]);

    const signedOut = await visit(page, sameSite, '/sign-out');
    expect(signedOut).toEqual(ORIGIN_REFUSED);
    expect(await stillSignedIn(page)).toBe(true);
  });

  it('from another site: the browser does not even send the cookie, and the server refuses it too', async () => {
    const page = await watchedPage(browser);
    await firstSignIn(app, origin, page);
    const crossSite = `http://127.0.0.1:${attackerPort}`;
    const cookieSent: boolean[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().startsWith(`${origin}/api/`))
        cookieSent.push('cookie' in request.headers());
    });

    const signedOut = await visit(page, crossSite, '/sign-out');
    expect(signedOut).toEqual(ORIGIN_REFUSED);
    expect(cookieSent).toEqual([false]);
    expect(await stillSignedIn(page)).toBe(true);
  });
});
