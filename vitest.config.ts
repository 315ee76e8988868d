import { defineConfig } from 'vitest/config';

/**
 * Two projects: every test on SQLite, and every database-touching test again on PostgreSQL
 * when TEST_DATABASE_URL is set (.ci/run starts one). Files named `*.unit.test.ts` do not
 * depend on the dialect and run once.
 *
 * The `slow` tag marks what `npm run test:quick` (`--project sqlite --tags-filter '!slow'`)
 * skips: a test that starts another program (the built binary, Chromium, redis-server,
 * openssl, the compiler, npm), waits on the clock for seconds (a ban or lock running out, idle
 * timeouts), measures timing distributions, or fuzzes. A whole file is tagged with a first line
 * `// @module-tag slow (why)`, one test with `it('…', { tags: ['slow'] }, …)`.
 */
const postgresUrl = process.env.TEST_DATABASE_URL;
const include = ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/test/**/*.test.ts'];
/**
 * test/cluster runs only against a cluster `scripts/cluster.sh up` started (CLUSTER_URL set):
 * `npm run test:cluster`, which .ci/run runs between `cluster.sh up` and `down`.
 */
const clusterTests = 'test/cluster/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    tags: [{ name: 'slow', description: 'skipped by `npm run test:quick` (see vitest.config.ts)' }],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include,
          exclude: [clusterTests, '**/node_modules/**'],
          env: { TEST_DIALECT: 'sqlite' },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include,
                exclude: ['**/*.unit.test.ts', clusterTests, '**/node_modules/**'],
                env: { TEST_DIALECT: 'postgres' },
              },
            },
          ]
        : []),
      ...(process.env.CLUSTER_URL
        ? [
            {
              extends: true as const,
              // One file at a time: they share three instances, and one kills an instance or stops
              // PostgreSQL or Redis under the others.
              test: {
                name: 'cluster',
                include: [clusterTests],
                fileParallelism: false,
                env: { TEST_DIALECT: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
