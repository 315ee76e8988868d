import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import type { MalwareScanner } from '../../src/features/files/index.js';

export type TestDialect = 'sqlite' | 'postgres';

export function testDialect(): TestDialect {
  return process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
}

/** Collects every log line the app writes, parsed, and the raw text for "never contains" checks. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface TestApp extends BulwarkApp {
  logs: LogCapture;
  dataDir: string;
  close: () => Promise<void>;
}

/** A test app made by createTestApp, which knows how to reopen its data. */
export interface RestartableTestApp extends TestApp {
  /**
   * A restart: stops this app and creates a new one on the same data folder (and on PostgreSQL
   * the same schema) with the same settings. Use the returned app from then on; its `close`
   * removes the data.
   */
  restart: () => Promise<RestartableTestApp>;
  /**
   * Another instance on the same data folder and database, running beside this one (several
   * instances on PostgreSQL). Its `close` only stops it; this app's `close` removes the data.
   */
  secondInstance: () => Promise<RestartableTestApp>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  logLevel?: string;
  /** Given to createApp: uploads are scanned by it. */
  malwareScanner?: MalwareScanner;
  /** Given to createApp: the clock of the in-process alerts (windows and cool-downs). */
  alertsNow?: () => number;
  /** Given to createApp: the built dashboard's folder (a missing one shows the "not built" page). */
  dashboardDir?: string;
}

/**
 * What every test app runs with unless a test says otherwise: any port, cheap hashing (tests
 * about hashing cost set their own), abuse limits out of the way (most tests sign in and fail
 * many times from 127.0.0.1; abuse tests set real limits), and no load shedding (parallel test
 * files on two cores starve the event loop now and then, and a sampling interval without
 * samples counts as overload; load-shedding.test.ts turns it back on).
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  BULWARK_PORT: '0',
  BULWARK_LOG_LEVEL: 'info',
  BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
  BULWARK_AUTH_ARGON2_ITERATIONS: '1',
  BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: '1000000',
  BULWARK_ABUSE_AUTH_REQUESTS_PER_MINUTE: '1000000',
  BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: '1000000',
  BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: '100',
  BULWARK_ABUSE_BAN_FAILURE_LIMIT: '10000',
  BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0',
};

/**
 * A fresh Bulwark app on its own temporary data folder, and on PostgreSQL its own schema, so
 * test files run in parallel without sharing state. Nothing listens unless the test calls start().
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<RestartableTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-test-'));
  const postgres = testDialect() === 'postgres' ? await createSchema() : undefined;
  const removeData = async () => {
    await postgres?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return openTestApp(options, dataDir, postgres, removeData);
}

type TestSchema = Awaited<ReturnType<typeof createSchema>>;

/** A Bulwark app on an existing data folder (and schema); `removeData` runs when it is closed. */
async function openTestApp(
  options: TestAppOptions,
  dataDir: string,
  postgres: TestSchema | undefined,
  removeData: () => Promise<void>,
): Promise<RestartableTestApp> {
  const config = loadConfig({
    env: {
      BULWARK_DATA_DIR: dataDir,
      ...TEST_ENV,
      BULWARK_LOG_LEVEL: options.logLevel ?? 'info',
      ...(postgres ? { BULWARK_DATABASE_URL: postgres.url } : {}),
      ...options.env,
    },
    cwd: dataDir,
  });
  const logs = new LogCapture();
  const app = await createApp({
    config,
    logStream: logs,
    ...(postgres ? { postgresSchema: postgres.schema } : {}),
    ...(options.malwareScanner ? { malwareScanner: options.malwareScanner } : {}),
    ...(options.alertsNow ? { alertsNow: options.alertsNow } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
  });
  return Object.assign(app, {
    logs,
    dataDir,
    async close() {
      await app.stop('test finished');
      await removeData();
    },
    async restart() {
      await app.stop('restart');
      return openTestApp(options, dataDir, postgres, removeData);
    },
    secondInstance: () => openTestApp(options, dataDir, postgres, async () => {}),
  });
}

/** What useTestApp takes: createTestApp's options, or a function that gives them once the hooks before it ran. */
export type UseTestAppOptions = TestAppOptions | (() => TestAppOptions | Promise<TestAppOptions>);

/**
 * One app for the tests of the file (or of the `describe` it is called in): created and made
 * ready in a `beforeAll`, closed in an `afterAll`. It returns a stand-in that forwards to that
 * app, so a file writes `const app = useTestApp()` and uses `app` as it would the app itself.
 * Set-up that needs the app (an administrator, a collection) goes in a `beforeAll` registered
 * after this call: Vitest runs `beforeAll` hooks in order and `afterAll` hooks in reverse, so
 * services started by an earlier hook (a receiver whose URL is in `env`) outlive the app.
 *
 * @example
 * const app = useTestApp({ env: { BULWARK_CORS_ORIGINS: 'https://app.example' } });
 * beforeAll(async () => { admin = await newAdmin(app); });
 *
 * `beforeReady` runs on the new app before it is made ready: routes a test adds, which Fastify
 * takes only until then.
 */
export function useTestApp(
  options: UseTestAppOptions = {},
  beforeReady: (app: RestartableTestApp) => void = () => {},
): RestartableTestApp {
  let current: RestartableTestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(typeof options === 'function' ? await options() : options);
    beforeReady(current);
    await current.http.ready();
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  const app = (): RestartableTestApp => {
    if (!current) throw new Error('useTestApp: the app exists only inside its tests and the hooks after it');
    return current;
  };
  return new Proxy({} as RestartableTestApp, {
    get: (_target, property) => Reflect.get(app(), property),
    set: (_target, property, value) => Reflect.set(app(), property, value),
    has: (_target, property) => Reflect.has(app(), property),
  });
}

/** Creates an empty schema named for this test; returns how to reach and drop it. */
export async function createSchema(): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is required for PostgreSQL tests');
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return {
    url,
    schema,
    async drop() {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await dropper.end();
    },
  };
}
