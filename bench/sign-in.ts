import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPasswordHasher, OWASP_ARGON2_PARAMS } from '../src/features/auth/password/password-hasher.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * Sign-in throughput against the ceiling argon2id sets on this machine (cores ÷ one hash's
 * time, measured in the same run), and the event loop's p99 delay during the burst: argon2
 * runs on libuv's pool, so the loop should stay responsive. The load comes from a separate
 * autocannon process so it does not disturb the loop being measured.
 */
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 16;
const PASSWORD = 'correct horse battery staple 42';

async function oneHashMs(): Promise<number> {
  const hasher = createPasswordHasher(OWASP_ARGON2_PARAMS);
  const stored = await hasher.hash(PASSWORD);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    await hasher.verify(stored, PASSWORD);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

function runLoad(url: string): Promise<{ requestsPerSecond: number; non2xx: number }> {
  const body = JSON.stringify({ email: 'bench@example.com', password: PASSWORD });
  const args = [
    '-c',
    String(CONNECTIONS),
    '-d',
    String(DURATION_SECONDS),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    body,
    '-j',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile('node_modules/.bin/autocannon', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number };
      resolve({ requestsPerSecond: result.requests.average, non2xx: result.non2xx });
    });
  });
}

const hashMs = await oneHashMs();
const cores = availableParallelism();
const ceiling = (cores * 1000) / hashMs;

// Real argon2 cost (OWASP defaults); the sign-in budget is lifted so every request is a sign-in.
const bench = await startBenchApp({ BULWARK_LOG_LEVEL: 'warn' });
const { app, url } = bench;
await app.http.inject({
  method: 'POST',
  url: '/api/auth/register',
  payload: { email: 'bench@example.com', password: PASSWORD },
});

const idle = monitorEventLoopDelay({ resolution: 10 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 1000));
idle.disable();
const busy = monitorEventLoopDelay({ resolution: 10 });
busy.enable();
const load = await runLoad(`${url}/api/auth/token`);
busy.disable();
await bench.stop();

const ms = (ns: number) => (ns / 1e6).toFixed(1);
process.stdout.write(
  [
    `sign-in (POST /api/auth/token, argon2id m=19456 KiB t=2 p=1), ${CONNECTIONS} connections, ${DURATION_SECONDS}s, load from a separate process`,
    `one hash (median of 15)        ${hashMs.toFixed(1)} ms`,
    `argon2 ceiling (${cores} cores ÷ hash)  ${ceiling.toFixed(1)} sign-ins/s`,
    `measured sign-ins              ${load.requestsPerSecond.toFixed(1)} /s (non-2xx: ${load.non2xx})`,
    `ratio to ceiling               ${(load.requestsPerSecond / ceiling).toFixed(2)}`,
    `event-loop delay p99 idle      ${ms(idle.percentile(99))} ms`,
    `event-loop delay p99 in burst  ${ms(busy.percentile(99))} ms`,
    '',
  ].join('\n'),
);
