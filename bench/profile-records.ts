import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { startLoadGenerator } from './harness/load-generator.js';
import { type CpuProfile, formatSummary, summariseProfile } from './harness/profile-summary.js';
import { PER_PAGE, RECORDS, startRecordsFixture, USERS } from './harness/records-fixture.js';
import { benchSettings } from './harness/settings.js';

/**
 * A CPU profile of the rule-checked list under load (the records bench's Bulwark side: owner
 * rule, 100,000 notes, bearer token, default log level). The server runs in this process and
 * is profiled through the inspector's Profiler; the load comes from a separate process, so
 * the profile holds the server's work alone. Writes bench/profiles/records-list.cpuprofile
 * (open it in Chrome DevTools or VS Code) and records-list.md: self time by area, per request,
 * and the busiest functions. `BENCH_SECONDS` sets the profiled load (default 10).
 */
const settings = benchSettings({ seconds: 10, connections: 10 });
const PROFILE = fileURLToPath(new URL('./profiles/records-list.cpuprofile', import.meta.url));
const NOTE = fileURLToPath(new URL('./profiles/records-list.md', import.meta.url));
/** µs between samples: fine enough for a request of a few hundred µs, coarse enough not to dominate it. */
const SAMPLING_MICROS = 100;

const fixture = await startRecordsFixture();
const generator = startLoadGenerator();
const session = new Session();
try {
  const load = { url: fixture.listUrl, headers: fixture.auth, connections: settings.connections };
  // The same warm-up as the records bench, so the profile shows the settled JIT.
  await generator.run({ ...load, seconds: Math.max(settings.warmupSeconds, 2) });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_MICROS });
  await session.post('Profiler.start');
  const result = await generator.run({ ...load, seconds: settings.seconds });
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  writeFileSync(PROFILE, JSON.stringify(profile));

  const summary = summariseProfile(profile, result.requests);
  const note = [
    '# Where a rule-checked list request spends its time',
    '',
    `Written by \`npm run bench:profile\` (bench/profile-records.ts) on ${new Date().toISOString().slice(0, 10)}: ` +
      `GET /api/collections/notes/records?perPage=${PER_PAGE} as one user under the rule ` +
      `\`owner = @request.auth.id\` (${RECORDS} records over ${USERS} users, bearer token, default log level), ` +
      `${settings.connections} connections for ${settings.seconds} s from a separate load-generator process; ` +
      `${result.requests} requests answered (${result.requestsPerSecond.toFixed(0)} req/s under the profiler, ` +
      `non-2xx: ${result.non2xx}). Server process only, sampled every ${SAMPLING_MICROS} µs; self time ` +
      '(time in a function itself, not in what it calls), grouped by where the code lives. The profile itself ' +
      'is `records-list.cpuprofile` beside this file.',
    '',
    formatSummary(summary),
    '## Note',
    '',
    'SQL driver is better-sqlite3 running the statements (the token lookup, the page and the count); ' +
      'Kysely is building and compiling the queries and its driver wrapper; rules is parsing and compiling ' +
      'the list rule; auth is the token lookup around its statement, the HMAC of the token included; the ' +
      'pipeline is Bulwark’s own hooks (request id, security headers, abuse guard, load shedding, metrics); ' +
      'JSON is the response serializer fast-json-stringify generated; Node core is the HTTP parser, sockets ' +
      'and streams, its socket writes (`writev`) carrying the kernel’s loopback TCP work for the answer. ' +
      'A native frame counts for the code that called it. Figures move with the machine (see the request ' +
      'rate above); read the shares and the µs per request against the records bench run beside it.',
    '',
  ].join('\n');
  writeFileSync(NOTE, note);
  process.stdout.write(`${note}\nwrote ${PROFILE}\nwrote ${NOTE}\n`);
} finally {
  session.disconnect();
  generator.close();
  await fixture.close();
}
