import { describe, expect, it } from 'vitest';
import { addPipelineRoutes } from '../helpers/pipeline-routes.js';
import { createTestApp, useTestApp } from '../helpers/test-app.js';

const app = useTestApp({}, addPipelineRoutes);

/** What an attacker probing errors hopes to see: stacks, paths, SQL, engine and library names. */
const NEVER = [
  /missing_table_for_test|secret_column/i,
  /SELECT|sqlite|postgres|kysely|relation/i,
  /\bat\s+\S+\s+\(|\.ts:\d+|\/srv\/|\/work\//,
  /fastify|node_modules|Error:/i,
];

describe('a forced database failure', () => {
  it('gives a generic 500 carrying only the request id', async () => {
    const response = await app.http.inject({ url: '/api/test/db-failure' });
    expect(response.statusCode).toBe(500);
    const requestId = response.headers['x-request-id'];
    expect(response.json()).toEqual({
      type: 'https://bulwark.dev/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      code: 'HTTP_INTERNAL',
      requestId,
    });
    for (const pattern of NEVER) expect(response.body).not.toMatch(pattern);
  });

  it('logs the cause under the same request id so the operator can find it', async () => {
    const response = await app.http.inject({ url: '/api/test/db-failure' });
    const requestId = response.headers['x-request-id'];
    const entry = app.logs.entries().find((e) => e.requestId === requestId && e.msg === 'request failed');
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).toMatch(/missing_table_for_test/);
  });

  it('reports the database down on /api/ready with 503 and Retry-After, not a 500', async () => {
    const broken = await createTestApp({ logLevel: 'silent' });
    await broken.http.ready();
    await broken.database.close();
    const response = await broken.http.inject({ url: '/api/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().detail).toBe('Not ready: database unreachable.');
    await broken.http.close();
  });
});

describe('an unexpected exception', () => {
  it('answers a generic 500 and never the message, path or stack', async () => {
    const response = await app.http.inject({ method: 'POST', url: '/api/test/fail', payload: {} });
    expect(response.statusCode).toBe(500);
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'requestId', 'status', 'title', 'type']);
    for (const pattern of NEVER) expect(response.body).not.toMatch(pattern);
  });
});
