// @module-tag slow (fuzzes for tens of seconds: skipped by `npm run test:quick`)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testDialect } from '../helpers/test-app.js';
import { checkAnswer, checkNullKept, checkRecordDates, checkStored, type Finding, summarise } from './checks.js';
import { KeptAliveConnection, type RawAnswer, sendRaw } from './raw-http.js';
import {
  buildRequest,
  type FuzzRequest,
  isRecordWrite,
  type Operation,
  operationsOf,
  readBackRequest,
} from './requests.js';
import { createWorld, type FuzzWorld } from './world.js';

/**
 * A seeded fuzzer driven by the server's own OpenAPI document, over real HTTP (Node's parser
 * included): every operation with valid values, then one to three hostile changes (boundary and
 * wrong-typed values, NUL, lone surrogates, 1e309, bad percent-encoding, huge and deep bodies,
 * wrong content types, odd methods, missing or bad Host, broken framing), as a guest, a user, a
 * browser session and an administrator. Every answer must pass every check in checks.ts.
 *
 * FUZZ_SEED replays a run (request N of a seed is always built the same way; ids the server
 * hands out differ), FUZZ_REQUESTS sets the count, FUZZ_INDEX=12,345 sends only those requests.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
const ONLY = process.env.FUZZ_INDEX?.split(',').map(Number);
/** Signed-in callers are checked (and replaced if the run signed them out) this often. */
const REFRESH_EVERY = 250;
// Far above any answer time seen under load (a busy 2-core machine), far below a hang.
const ANSWER_TIMEOUT_MS = 60_000;

function idOf(answer: RawAnswer): string | undefined {
  try {
    const id: unknown = JSON.parse(answer.body.toString('utf8')).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** What the server logged about a failed request (its error), found by the answer's request id. */
function serverError(app: TestApp, answer: RawAnswer): string | undefined {
  const id = answer.headers['x-request-id'];
  if (!id || answer.status < 500) return undefined;
  const line = app.logs.lines.find((entry) => entry.includes(id) && entry.includes('"err"'));
  if (!line) return undefined;
  const { err } = JSON.parse(line) as { err?: { type?: string; message?: string; code?: string } };
  return `${err?.code ?? err?.type ?? 'error'}: ${err?.message ?? ''}`;
}

describe('OpenAPI fuzzing over real HTTP', () => {
  let app: TestApp;
  let url: string;
  let world: FuzzWorld;
  let operations: Operation[];

  beforeAll(async () => {
    // Administrators' writes need a recent sign-in; on a busy machine a run outlasts the default.
    app = await createTestApp({ logLevel: 'warn', env: { BULWARK_AUTH_STEP_UP_WINDOW_SECONDS: '3600' } });
    url = await app.start();
    const document: unknown = await (await fetch(`${url}/api/openapi.json`)).json();
    operations = operationsOf(document);
    world = await createWorld(app, url, document as Parameters<typeof createWorld>[2]);
  }, 60_000);
  afterAll(() => app?.close());

  it(`answers ${REQUESTS} generated requests without a 5xx, internal text, missing headers or a large 4xx`, async () => {
    expect(operations.length).toBeGreaterThan(40);
    const target = { host: new URL(url).hostname, port: Number(new URL(url).port) };
    const indices = ONLY ?? Array.from({ length: REQUESTS }, (_, i) => i);
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    const cpu = process.cpuUsage();
    let next = 0;
    let readBacks = 0;
    let refreshing: Promise<void> = Promise.resolve();

    const worker = async () => {
      const connection = new KeptAliveConnection(target);
      const send = (request: FuzzRequest) =>
        request.keepAlive
          ? connection.send(request.raw, ANSWER_TIMEOUT_MS, request.isHead)
          : sendRaw(target, request.raw, ANSWER_TIMEOUT_MS, request.isHead);
      while (next < indices.length) {
        const position = next++;
        if (position > 0 && position % REFRESH_EVERY === 0) refreshing = world.refreshCredentials();
        await refreshing;
        const request = buildRequest(SEED, indices[position] as number, operations, world);
        const answer = await send(request);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        world.learn(request, answer);
        const recordWrite = isRecordWrite(request);
        const failures = [
          ...checkAnswer(request, answer),
          ...checkNullKept(request, answer),
          ...(recordWrite && (answer.status === 200 || answer.status === 201) ? checkRecordDates(request, answer) : []),
        ];
        if (failures.length) findings.push({ request, answer, failures });
        const id = (answer.status === 200 || answer.status === 201) && recordWrite ? idOf(answer) : undefined;
        if (id) {
          const readBack = readBackRequest(request, world.host, id);
          const read = await send(readBack);
          readBacks++;
          const readFailures = [...checkAnswer(readBack, read), ...checkStored(answer, read)];
          if (readFailures.length) findings.push({ request: readBack, answer: read, failures: readFailures });
        }
      }
      connection.close();
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `fuzz ${testDialect()}: seed ${SEED}, ${indices.length} requests (and ${readBacks} read-backs of written records) in ${seconds.toFixed(1)} s (${Math.round(indices.length / seconds)}/s, ${cpuSeconds.toFixed(1)} s of CPU for server and fuzzer); statuses ${histogram}`,
    );
    // The server is still up and serving after all of it.
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    const replay = `replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz/openapi-fuzz.test.ts --project ${testDialect()}`;
    if (findings.length) expect.fail(summarise(findings, replay, (answer) => serverError(app, answer)));
  }, 1_800_000);
});
