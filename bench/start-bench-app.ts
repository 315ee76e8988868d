import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type BulwarkApp, createApp } from '../src/app/create-app.js';
import { loadConfig } from '../src/config/index.js';

/** Budgets far above what one benchmark sends from 127.0.0.1, so 429s never pose as throughput. */
const UNLIMITED = '1000000';

export interface BenchApp {
  app: BulwarkApp;
  url: string;
  dataDir: string;
  stop: () => Promise<void>;
}

/**
 * A real Bulwark on a fresh data folder and port, logging (and redacting) as in production but
 * to /dev/null, with the abuse budgets lifted unless `env` sets them: a benchmark measures the
 * pipeline, not the rate limiter refusing its load generator.
 */
export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
  const config = loadConfig({
    cwd: dataDir,
    env: {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_PORT: '0',
      BULWARK_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: UNLIMITED,
      BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: UNLIMITED,
      BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: UNLIMITED,
      BULWARK_ABUSE_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      ...env,
    },
  });
  const app = await createApp({ config, logStream: pino.destination({ dest: '/dev/null', sync: false }) });
  const url = await app.start();
  return {
    app,
    url,
    dataDir,
    async stop() {
      await app.stop('bench finished');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
