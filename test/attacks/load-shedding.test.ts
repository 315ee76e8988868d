import { describe, expect, it } from 'vitest';
import { isMeasuredOverload } from '../../src/http/create-server.js';
import { Scrape } from '../helpers/metrics-scrape.js';
import { useTestApp } from '../helpers/test-app.js';

const app = useTestApp({
  logLevel: 'silent',
  env: { BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '50', BULWARK_METRICS_ALLOWED_CIDRS: '127.0.0.1' },
});

/** Holds the event loop the way a CPU-heavy burst or a pathological request would. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

/** Every answer of the test, so the shed ones can be counted against the metric. */
let shedCount = 0;
async function get(url: string) {
  const response = await app.http.inject({ url });
  if (response.statusCode === 503 && response.json().detail === 'The server is overloaded; retry shortly.') {
    shedCount += 1;
  }
  return response;
}

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, never crashes, and recovers', async () => {
    expect((await get('/api/health')).statusCode).toBe(200);
    let shed: Awaited<ReturnType<typeof app.http.inject>> | undefined;
    for (let attempt = 0; attempt < 10 && !shed; attempt++) {
      blockEventLoop(400);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await get('/api/health');
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
      recovered = (await get('/api/health')).statusCode === 200;
    }
    expect(recovered).toBe(true);
  });

  it('counts each shed request once in bulwark_load_shed_total', async () => {
    // A scrape may itself be shed while the loop still lags: that one is counted too.
    let scrape = await get('/metrics');
    for (let attempt = 0; attempt < 40 && scrape.statusCode !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scrape = await get('/metrics');
    }
    expect(scrape.statusCode).toBe(200);
    expect(shedCount).toBeGreaterThan(0);
    expect(new Scrape(scrape.body).value('bulwark_load_shed_total')).toBe(shedCount);
  });
});

describe('what counts as overload', () => {
  it('an interval without samples is "not measured", not overload; anything measured above the limit is', () => {
    expect(isMeasuredOverload('eventLoopDelay', Number.POSITIVE_INFINITY)).toBe(false);
    expect(isMeasuredOverload('eventLoopDelay', 1500)).toBe(true);
    expect(isMeasuredOverload('heapUsedBytes', Number.POSITIVE_INFINITY)).toBe(true);
  });
});
