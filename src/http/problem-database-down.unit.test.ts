import { describe, expect, it } from 'vitest';
import { toAppError } from './problem.js';

/**
 * An error from a database that cannot be reached becomes a 503 with Retry-After (the cluster
 * test stops PostgreSQL under three instances: before, each request was a 500); an error in the
 * query itself stays a 500 that shows nothing.
 */
const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('toAppError for database errors', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['server starting up', withCode('the database system is starting up', '57P03')],
    ['connection lost', withCode('Connection terminated unexpectedly')],
  ])('%s: 503 with Retry-After, a detail of ours', (_name, error) => {
    const mapped = toAppError(error);
    expect(mapped.status).toBe(503);
    expect(mapped.code).toBe('HTTP_UNAVAILABLE');
    expect(Number(mapped.headers['retry-after'])).toBeGreaterThan(0);
    expect(mapped.detail).not.toContain(error.message);
  });

  it.each([
    ['SQLite write lock held by another process', withCode('database is locked', 'SQLITE_BUSY')],
    ['PostgreSQL lock_timeout', withCode('canceling statement due to lock timeout', '55P03')],
    ['PostgreSQL deadlock victim', withCode('deadlock detected', '40P01')],
  ])('%s: 503 busy, Retry-After 1, a detail of ours', (_name, error) => {
    const mapped = toAppError(error);
    expect(mapped.status).toBe(503);
    expect(mapped.code).toBe('HTTP_UNAVAILABLE');
    expect(mapped.headers['retry-after']).toBe('1');
    expect(mapped.detail).toBe('The database is busy with another change; try again in a moment.');
  });

  it.each([
    ['a syntax error', withCode('syntax error at or near "SELEC"', '42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s: still a 500 that shows nothing', (_name, error) => {
    const mapped = toAppError(error);
    expect(mapped.status).toBe(500);
    expect(mapped.expose).toBe(false);
  });
});
