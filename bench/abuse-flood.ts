import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { benchSettings } from './harness/settings.js';
import { median, percentile } from './harness/stats.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * A legitimate client's latency while a banned address floods the server. Bulwark starts with a
 * small ban limit; 127.0.0.2 gets itself banned by failed sign-ins; then a client on 127.0.0.3
 * makes sequential GET /api/health requests, first with no other load, then while a separate
 * process (this file again, with `--flood`) hammers the server from 127.0.0.2 over keep-alive
 * connections; BENCH_ROUNDS rounds (default 3), alternating which phase goes first. Prints the
 * medians over the rounds of p50/p99/max for both and their ratio, and what the flood got back;
 * asserts nothing. Bounded: each flood stops after FLOOD_SECONDS whatever happens. The flood
 * is its own child rather than the harness's load generator: autocannon cannot send from a
 * chosen local address, and the attacker must be 127.0.0.2.
 *
 *   node --import tsx bench/abuse-flood.ts
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
/** Rounds of (no load, flood) or (flood, no load): the same BENCH_ROUNDS as every benchmark. */
const ROUNDS = benchSettings({ seconds: 1, connections: 1 }).rounds;
/** A safety cap: the flood normally stops as soon as the client's measurement is done. */
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 12);
const FLOOD_CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 32);
const BAN_FAILURE_LIMIT = 3;
const ATTACKER = '127.0.0.2';
const CLIENT = '127.0.0.3';

interface FloodReport {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  errors: number;
}

/** Child side: keep FLOOD_CONNECTIONS requests in flight from ATTACKER until told to stop or time is up. */
async function flood(baseUrl: string, seconds: number, connections: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let stopped = false;
  const started = performance.now();
  const deadline = setTimeout(() => {
    stopped = true;
  }, seconds * 1000);
  process.on('message', (message) => {
    if (message === 'stop') stopped = true;
  });
  const body = JSON.stringify({ email: 'flood@example.com', password: 'not the password at all' });
  const one = (index: number) =>
    new Promise<void>((resolve) => {
      // Alternate a cheap route and the sign-in route the attacker was banned for.
      const isSignIn = index % 2 === 1;
      const req = request(
        `${baseUrl}${isSignIn ? '/api/auth/token' : '/api/health'}`,
        {
          agent,
          localAddress: ATTACKER,
          method: isSignIn ? 'POST' : 'GET',
          headers: isSignIn ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
          timeout: 5000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const key = String(res.statusCode);
            statuses[key] = (statuses[key] ?? 0) + 1;
            requests++;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(isSignIn ? body : undefined);
    });
  let sent = 0;
  const worker = async () => {
    while (!stopped) await one(sent++);
  };
  process.send?.('started');
  await Promise.all(Array.from({ length: connections }, worker));
  clearTimeout(deadline);
  agent.destroy();
  const report: FloodReport = { requests, seconds: (performance.now() - started) / 1000, statuses, errors };
  // Disconnecting closes the IPC channel, which is all that keeps this process alive.
  process.send?.(report, () => process.disconnect());
}

/** Sequential requests from CLIENT over one keep-alive connection (fewer if `until` says stop); latencies in ms. */
async function measureClient(baseUrl: string, count: number, until: () => boolean = () => true): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count && until(); i++) {
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${baseUrl}/api/health`, { agent, localAddress: CLIENT, timeout: 5000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
        req.on('error', reject);
        req.end();
      });
      if (status !== 200) throw new Error(`legitimate client got ${status}`);
      latencies.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

async function send(baseUrl: string, path: string, from: string, json?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = request(
      `${baseUrl}${path}`,
      {
        agent: false,
        localAddress: from,
        method: body ? 'POST' : 'GET',
        headers: body ? { 'content-type': 'application/json' } : {},
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Flood {
  child: ChildProcess;
  started: Promise<void>;
  report: Promise<FloodReport>;
  isRunning: () => boolean;
  stop: () => void;
}

function startFlood(baseUrl: string): Flood {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--flood', baseUrl, String(FLOOD_SECONDS), String(FLOOD_CONNECTIONS)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  let running = true;
  child.on('error', () => undefined); // a late 'stop' on a closed channel; the exit is what counts
  const report = new Promise<FloodReport>((resolve, reject) => {
    child.on('message', (message) => {
      if (message === 'started') markStarted();
      else {
        running = false;
        resolve(message as FloodReport);
      }
    });
    child.on('exit', (code) => {
      running = false;
      reject(new Error(`flood process exited (${code}) without a report`));
    });
  });
  report.catch(() => undefined); // reported where awaited; never an unhandled rejection
  return {
    child,
    started,
    report,
    isRunning: () => running,
    stop: () => {
      if (child.connected) child.send('stop');
    },
  };
}

interface Round {
  quiet: number[];
  underFlood: number[];
  report: FloodReport;
}

/** One round: the client alone and while a fresh flood process runs, in the order the round says. */
async function round(baseUrl: string, floodFirst: boolean, track: (child: ChildProcess) => void): Promise<Round> {
  const underFloodPhase = async () => {
    const flooding = startFlood(baseUrl);
    track(flooding.child);
    await flooding.started;
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the flood reach full speed
    const latencies = await measureClient(baseUrl, REQUESTS, flooding.isRunning);
    flooding.stop();
    return { latencies, report: await flooding.report };
  };
  if (floodFirst) {
    const flood = await underFloodPhase();
    return { quiet: await measureClient(baseUrl, REQUESTS), underFlood: flood.latencies, report: flood.report };
  }
  const quiet = await measureClient(baseUrl, REQUESTS);
  const flood = await underFloodPhase();
  return { quiet, underFlood: flood.latencies, report: flood.report };
}

function print(rounds: Round[]): void {
  // Each figure is the median over the rounds of that round's percentile.
  const over = (pick: (r: Round) => number[], p: number) => median(rounds.map((r) => percentile(pick(r), p)));
  const row = (name: string, pick: (r: Round) => number[]) =>
    [name.padEnd(26), ...[50, 99, 100].map((p) => over(pick, p).toFixed(2).padStart(9))].join('');
  const ratio = (p: number) => (over((r) => r.underFlood, p) / over((r) => r.quiet, p)).toFixed(2);
  const short = rounds.filter((r) => r.underFlood.length < REQUESTS).length;
  const total = (pick: (report: FloodReport) => number) => rounds.reduce((sum, r) => sum + pick(r.report), 0);
  const requests = total((report) => report.requests);
  const seconds = total((report) => report.seconds);
  const refused = total((report) => report.statuses['403'] ?? 0);
  const others = new Map<string, number>();
  for (const r of rounds) {
    for (const [status, count] of Object.entries(r.report.statuses)) {
      if (status !== '403') others.set(status, (others.get(status) ?? 0) + count);
    }
  }
  process.stdout.write(
    [
      `legitimate client ${CLIENT}: ${REQUESTS} sequential GET /api/health (keep-alive) per phase, ${rounds.length} ` +
        'rounds alternating which phase goes first; latency in ms, medians over the rounds',
      `${'phase'.padEnd(26)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}`,
      row('no load', (r) => r.quiet),
      row(`banned ${ATTACKER} flooding`, (r) => r.underFlood) +
        (short > 0 ? `   (${short} round(s) cut short by the flood's ${FLOOD_SECONDS} s cap)` : ''),
      `${'ratio flood / no load'.padEnd(26)}${`${ratio(50)}x`.padStart(9)}${`${ratio(99)}x`.padStart(9)}`,
      '',
      `flood from ${ATTACKER} (banned), ${FLOOD_CONNECTIONS} keep-alive connections, GET /api/health and POST /api/auth/token:`,
      `  ${requests} requests in ${seconds.toFixed(1)} s over the rounds (${(requests / seconds).toFixed(0)} req/s); ` +
        `403 banned: ${refused} (${((100 * refused) / Math.max(1, requests)).toFixed(1)}%)` +
        `${others.size > 0 ? `; other statuses: ${[...others].map(([status, count]) => `${status}: ${count}`).join(', ')}` : ''}` +
        `; connection errors: ${total((report) => report.errors)}`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  // Real ban threshold; the other budgets are lifted so the numbers measure the flood, not our
  // rate limit on the legitimate client.
  const bench = await startBenchApp({ BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(BAN_FAILURE_LIMIT) });
  const baseUrl = bench.url;
  let floodChild: ChildProcess | undefined;
  try {
    for (let i = 0; i < BAN_FAILURE_LIMIT; i++) {
      await send(baseUrl, '/api/auth/token', ATTACKER, {
        email: `nobody-${i}@example.com`,
        password: 'wrong password',
      });
    }
    const banned = await send(baseUrl, '/api/health', ATTACKER);
    if (banned !== 403) throw new Error(`${ATTACKER} should be banned, got ${banned}`);

    await measureClient(baseUrl, 100); // warm-up
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push(
        await round(baseUrl, i % 2 === 1, (child) => {
          floodChild = child;
        }),
      );
    }
    print(rounds);
  } finally {
    if (floodChild && floodChild.exitCode === null) floodChild.kill();
    await bench.stop();
  }
}

if (process.argv[2] === '--flood') {
  await flood(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
