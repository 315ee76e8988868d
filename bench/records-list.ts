import { startLoadGenerator } from './harness/load-generator.js';
import { PER_PAGE, RECORDS, type RecordsFixture, startRecordsFixture, USERS } from './harness/records-fixture.js';
import { measureRounds, type Side } from './harness/rounds.js';
import { benchSettings } from './harness/settings.js';
import { comparedRow, howMeasured, printTable, rowOf, type TableRow } from './harness/table.js';

/**
 * Rule-checked record listing (issue 18's targets): GET /api/collections/notes/records?perPage=20
 * as one user under `owner = @request.auth.id`, 100,000 notes over 100 users, bearer token,
 * default log level, against a bare Fastify + better-sqlite3 endpoint on the same file running
 * the same page and count statements with no authentication (target ≥ 0.65); and with
 * `skipTotal=1` (no count; `totalItems: -1`) against a bare endpoint running only the page
 * statement (target ≥ 0.75). All four sides listen in this process for the whole run, the load
 * comes from a separate one, rounds alternate the order. The baselines skip everything Bulwark
 * does per request besides the statements: the access-token lookup, the collection definition,
 * rule compilation, the security pipeline and logging. Prints a table; asserts nothing.
 */
const settings = benchSettings({ seconds: 5, connections: 10 });

type Page = { totalItems: number; items: Array<{ id: string }> };

async function page(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Page }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Page };
}

const ids = (body: Page) => (body.items ?? []).map((item) => item.id).join();

/** Both must answer the same page (and the same total, or -1 for both) before their speed means anything. */
async function agreement(fixture: RecordsFixture) {
  const [ours, theirs, oursSkipped, theirsSkipped] = await Promise.all([
    page(fixture.listUrl, fixture.auth),
    page(`${fixture.bareUrl}/notes`),
    page(`${fixture.listUrl}&skipTotal=1`, fixture.auth),
    page(`${fixture.bareUrl}/notes-page`),
  ]);
  const counted =
    ours.status === 200 && ours.body.totalItems === theirs.body.totalItems && ids(ours.body) === ids(theirs.body);
  const skipped =
    oursSkipped.status === 200 &&
    oursSkipped.body.totalItems === -1 &&
    ids(oursSkipped.body) === ids(theirsSkipped.body);
  return { counted, skipped, skippedAnswer: `${oursSkipped.status}, totalItems ${oursSkipped.body.totalItems}` };
}

const fixture = await startRecordsFixture();
const generator = startLoadGenerator();
try {
  const same = await agreement(fixture);
  const sides: Side[] = [
    { name: 'bare: page + count', load: { url: `${fixture.bareUrl}/notes` } },
    { name: 'Bulwark list', load: { url: fixture.listUrl, headers: fixture.auth } },
  ];
  // Without the parameter (a build before it) the pair would only measure the counted list again.
  if (same.skipped) {
    sides.push(
      { name: 'bare: page only', load: { url: `${fixture.bareUrl}/notes-page` } },
      { name: 'Bulwark skipTotal=1', load: { url: `${fixture.listUrl}&skipTotal=1`, headers: fixture.auth } },
    );
  }
  const [bare, ours, bareSkipped, oursSkipped] = await measureRounds(generator, sides, settings);
  if (!bare || !ours) throw new Error('a side was not measured');
  const rows: TableRow[] = [rowOf(bare), comparedRow(ours, bare, 0.65)];
  if (bareSkipped && oursSkipped) rows.push(rowOf(bareSkipped), comparedRow(oursSkipped, bareSkipped, 0.75));
  printTable(
    `rule-checked list of ${PER_PAGE} (owner rule, ${RECORDS} records over ${USERS} users, bearer token)`,
    [
      `seeded in ${fixture.seedSeconds.toFixed(1)}s; same page and total from Bulwark and bare: ${same.counted ? 'yes' : 'NO'}`,
      same.skipped
        ? 'skipTotal=1: same page from Bulwark and bare, totalItems -1 from both'
        : `skipTotal=1 NOT MEASURED: this build answers it with ${same.skippedAnswer} (expected 200, totalItems -1)`,
      `plans (both sides): page: ${fixture.plans.page}; count: ${fixture.plans.count}`,
      ...howMeasured(settings),
    ],
    rows,
  );
} finally {
  generator.close();
  await fixture.close();
}
