import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { RunningServer } from './run-cli.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface ServeFixture {
  /** A fresh data folder per test (its parent is removed afterwards). */
  dataDir: string;
  database: TestDatabase;
  /** Environment for spawned servers and commands: the test database, cheap hashing, no load shedding. */
  env: Record<string, string>;
  /** Servers still running after a test are killed. */
  running: RunningServer[];
}

/** For test files that start the real binary on a fresh data folder and database in every test. */
export function useServeFixture(prefix: string): ServeFixture {
  const fixture = { running: [] } as unknown as ServeFixture;
  beforeEach(async () => {
    fixture.dataDir = join(mkdtempSync(join(tmpdir(), prefix)), 'data');
    fixture.database = await createTestDatabase();
    fixture.env = {
      ...fixture.database.env,
      BULWARK_LOG_LEVEL: 'warn',
      BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
      BULWARK_AUTH_ARGON2_ITERATIONS: '1',
      // No load shedding: parallel test files on two cores starve the event loop now and then.
      BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0',
    };
  });
  afterEach(async () => {
    for (const server of fixture.running.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
    }
    await fixture.database.drop();
    rmSync(join(fixture.dataDir, '..'), { recursive: true, force: true });
  });
  return fixture;
}
