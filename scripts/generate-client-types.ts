import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../src/app/create-app.js';
import { loadConfig } from '../src/config/index.js';
import { CLIENT_TYPES_PATH, renderClientTypes } from './client-types.js';

/**
 * `npm run client:types`: starts the server in-process on a throwaway data folder (nothing
 * listens), reads its OpenAPI document and writes the client's generated types.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-client-types-'));
const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
try {
  const config = loadConfig({ env: { BULWARK_DATA_DIR: dataDir, BULWARK_LOG_LEVEL: 'silent' }, cwd: dataDir });
  const app = await createApp({ config, logStream: silent });
  try {
    const response = await app.http.inject({ url: '/api/openapi.json' });
    if (response.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${response.statusCode}`);
    writeFileSync(CLIENT_TYPES_PATH, await renderClientTypes(response.json()));
    process.stdout.write(`wrote ${CLIENT_TYPES_PATH}\n`);
  } finally {
    await app.stop('client types written');
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
