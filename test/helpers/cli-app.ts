import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { type CliResult, runCli } from './run-cli.js';
import { LogCapture, TEST_ENV, type TestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface CliAppFixture {
  /** A server running in this process on the data folder (and database) the commands use. */
  app: TestApp;
  dataDir: string;
  /** The environment of both: the test database, cheap hashing, limits out of the way, and `extraEnv`. */
  env: Record<string, string>;
  /** Runs the real binary (`dist/main.js`) with `--data` set to the app's data folder. */
  cli: (args: string[], input?: string) => Promise<CliResult>;
}

/**
 * For tests of commands run on the server's shell beside a running server: a fresh data folder
 * and database per test, an in-process app on them, and the built binary to run against them.
 * `extraEnv` is read in each test's set-up (after the file's own `beforeAll`, e.g. a mail sink).
 */
export function useCliApp(prefix: string, extraEnv: () => Record<string, string> = () => ({})): CliAppFixture {
  const fixture = {} as CliAppFixture;
  let database: TestDatabase;
  beforeEach(async () => {
    fixture.dataDir = join(mkdtempSync(join(tmpdir(), prefix)), 'data');
    database = await createTestDatabase();
    fixture.env = { ...TEST_ENV, ...database.env, BULWARK_LOG_LEVEL: 'warn', ...extraEnv() };
    const config = loadConfig({ env: { ...fixture.env, BULWARK_DATA_DIR: fixture.dataDir }, cwd: fixture.dataDir });
    const server = await createApp({ config, logStream: new LogCapture() });
    fixture.app = Object.assign(server, {
      logs: new LogCapture(),
      dataDir: fixture.dataDir,
      close: () => server.stop('test finished'),
    });
    fixture.cli = (args, input) => runCli([...args, '--data', fixture.dataDir], fixture.env, input);
  });
  afterEach(async () => {
    await fixture.app.close();
    await database.drop();
    rmSync(join(fixture.dataDir, '..'), { recursive: true, force: true });
  });
  return fixture;
}
