import { readFileSync } from 'node:fs';

/** Read once from package.json, which sits two folders up from both src/app and dist/app. */
export const BULWARK_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
