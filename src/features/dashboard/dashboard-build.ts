import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` puts the dashboard (packages/dashboard's Vite output): `dist/dashboard`
 * of the server's own folder. The path is the same seen from `src/features/dashboard` (tests) and
 * from `dist/features/dashboard` (the built server).
 */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

/** The file types Vite writes; anything else in the folder is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A built file, held in memory: the whole build is a few tens of kilobytes. */
export interface Asset {
  body: Buffer;
  contentType: string;
}

export type DashboardBuild =
  | { built: true; indexHtml: Buffer; assets: ReadonlyMap<string, Asset> }
  | { built: false; dir: string };

/** Hashed names as Vite writes them (`index-CtvFQz9D.js`): one flat folder, no other paths. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)*\.[a-z0-9]+$/;

/**
 * Reads the build once, at start-up. Only regular files directly in `assets/` with a known type
 * are served, looked up by exact name: a request can never name a path of its own making.
 */
export function loadDashboardBuild(dir: string): DashboardBuild {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return { built: false, dir };
  const assets = new Map<string, Asset>();
  const assetsDir = join(dir, 'assets');
  const names = existsSync(assetsDir) ? readdirSync(assetsDir) : [];
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    const path = join(assetsDir, name);
    if (!contentType || !ASSET_NAME.test(name) || !statSync(path).isFile()) continue;
    assets.set(name, { body: readFileSync(path), contentType });
  }
  return { built: true, indexHtml: readFileSync(indexPath), assets };
}
