import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeasuredOverload } from '../../src/http/create-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ logLevel: 'silent', env: { BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '50' } });
  await app.http.ready();
});
afterAll(() => app.close());

/** Holds the event loop the way a CPU-heavy burst or a pathological request would. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, never crashes, and recovers', async () => {
    expect((await app.http.inject({ url: '/api/health' })).statusCode).toBe(200);
    let shed: Awaited<ReturnType<typeof app.http.inject>> | undefined;
    for (let attempt = 0; attempt < 10 && !shed; attempt++) {
      blockEventLoop(400);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await app.http.inject({ url: '/api/health' });
      if (response.statusCode === 503) shed = response;
    }
    expect(shed?.statusCode).toBe(503);
    expect(shed?.headers['retry-after']).toBe('5');
    expect(shed?.json()).toMatchObject({
      code: 'HTTP_UNAVAILABLE',
      detail: 'The server is overloaded; retry shortly.',
    });
    expect(shed?.headers['x-content-type-options']).toBe('nosniff');
    let recovered = false;
    for (let attempt = 0; attempt < 40 && !recovered; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recovered = (await app.http.inject({ url: '/api/health' })).statusCode === 200;
    }
    expect(recovered).toBe(true);
  });
});

describe('what counts as overload', () => {
  it('an interval without samples is "not measured", not overload; anything measured above the limit is', () => {
    expect(isMeasuredOverload('eventLoopDelay', Number.POSITIVE_INFINITY)).toBe(false);
    expect(isMeasuredOverload('eventLoopDelay', 1500)).toBe(true);
    expect(isMeasuredOverload('heapUsedBytes', Number.POSITIVE_INFINITY)).toBe(true);
  });
});
