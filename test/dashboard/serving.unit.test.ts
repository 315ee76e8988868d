import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../src/http/security-headers.js';
import { rawExchange } from '../helpers/raw-http.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { BUILD_DIR, SOURCE_DIR } from './dashboard-page.js';

/**
 * How the server serves the built dashboard (dist/dashboard, made by `npm run build`): the page
 * under every `/_/` address, never cached; hashed files cached for good; nothing else, whatever
 * the path says. Needs the build (`npm run build`), as `npm test` makes it.
 */
let app: TestApp;
let port: number;
beforeAll(async () => {
  app = await createTestApp({ logLevel: 'silent' });
  port = Number(new URL(await app.start()).port);
});
afterAll(() => app.close());

const get = (url: string) => app.http.inject({ method: 'GET', url });
const assetNames = () => readdirSync(join(BUILD_DIR, 'assets'));

describe('the dashboard page', () => {
  it('answers /_/ and every client route with the built page, never cached, under the dashboard CSP', async () => {
    const built = readFileSync(join(BUILD_DIR, 'index.html'), 'utf8');
    for (const url of ['/_/', '/_/collections/posts', '/_/users']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body).toBe(built);
    }
    expect((await get('/_')).headers.location).toBe('/_/');
  });

  it('is built without inline script or style, and with no other origin in it', () => {
    const html = readFileSync(join(BUILD_DIR, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/ src="\/_\/assets\/[\w-]+\.js"/);
      expect(body).toBe('');
    }
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|https?:\/\//i);
  });

  it('keeps the set-up page at /_/setup', async () => {
    const response = await get('/_/setup');
    expect(response.body).toContain('Create the first administrator');
    expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
  });
});

describe('the dashboard files', () => {
  it('serves each built file with its type, cached for a year as immutable', async () => {
    const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
    const names = assetNames();
    expect(names.map((name) => name.split('.').pop()).sort()).toEqual(['css', 'js']);
    for (const name of names) {
      const response = await get(`/_/assets/${name}`);
      expect(response.statusCode, name).toBe(200);
      expect(response.headers['content-type']).toBe(types[name.split('.').pop() as string]);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(response.rawPayload.equals(readFileSync(join(BUILD_DIR, 'assets', name)))).toBe(true);
    }
  });

  it('answers 404 problems for unknown files, the folder itself and paths that climb out, however encoded', async () => {
    const paths = [
      '/_/assets/index-missing.js',
      '/_/assets/',
      '/_/assets/..%2f..%2fpackage.json',
      '/_/assets/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/_/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsrc%2fmain.ts',
      '/_/assets/..%5c..%5cpackage.json',
      '/_/assets/%252e%252e%252fpackage.json',
      '/_/assets/./index.html',
    ];
    for (const path of paths) {
      const answer = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      expect(answer.status, path).toBe(404);
      expect(answer.headers['content-type'], path).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(answer.body), path).toMatchObject({ code: 'HTTP_NOT_FOUND', status: 404 });
      expect(answer.headers['cache-control'], path).toBe('no-store');
    }
  });
});

describe('the dashboard source', () => {
  it('never turns data into markup and keeps nothing in web storage', () => {
    const files = readdirSync(SOURCE_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tsx?$/.test(name));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const text = readFileSync(join(SOURCE_DIR, name), 'utf8');
      expect(text, name).not.toMatch(/dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      expect(text, name).not.toMatch(/localStorage|sessionStorage|indexedDB|document\.cookie/);
      expect(text, name).not.toMatch(/\beval\(|new Function\(/);
    }
  });

  it('masks every password field, names it for password managers and never blocks paste', () => {
    const files = readdirSync(SOURCE_DIR, { recursive: true, encoding: 'utf8' }).filter((name) =>
      name.endsWith('.tsx'),
    );
    const passwordInputs = files.flatMap((name) =>
      [...readFileSync(join(SOURCE_DIR, name), 'utf8').matchAll(/<input[^>]*name="[^"]*password[^"]*"[^>]*>/gis)].map(
        (match) => ({ name, tag: match[0] }),
      ),
    );
    expect(passwordInputs.length).toBeGreaterThan(0);
    for (const { name, tag } of passwordInputs) {
      expect(tag, name).toContain('type="password"');
      expect(tag, name).toMatch(/autocomplete="(current|new)-password"/);
    }
    for (const name of files) {
      expect(readFileSync(join(SOURCE_DIR, name), 'utf8'), name).not.toMatch(/onPaste|'paste'/i);
    }
  });
});

describe('a server without the build', () => {
  it('says the dashboard is not built and how to build it, and serves no files', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bulwark-no-dashboard-'));
    const bare = await createTestApp({ logLevel: 'silent', dashboardDir: empty });
    try {
      const page = await bare.http.inject({ method: 'GET', url: '/_/' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(page.body).toContain('The dashboard is not built');
      expect(page.body).toContain('npm run build');
      const asset = await bare.http.inject({ method: 'GET', url: `/_/assets/${assetNames()[0]}` });
      expect(asset.statusCode).toBe(404);
      expect((await bare.http.inject({ method: 'GET', url: '/_/setup' })).statusCode).toBe(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
