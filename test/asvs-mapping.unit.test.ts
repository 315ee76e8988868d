import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/security/asvs.md honest as the code changes: every OWASP ASVS 5.0 Level 1 and 2
 * requirement mapped exactly once, known statuses only, tests that exist, and a summary that
 * adds up to the tables.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC_PATH = 'docs/security/asvs.md';
const DOC = readFileSync(join(ROOT, DOC_PATH), 'utf8');
/** Every L1/L2 id of the official 5.0.0 CSV (5.0/docs_en in OWASP/ASVS), in CSV order. */
const EXPECTED_IDS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/asvs-5.0-l1-l2-ids.json'), 'utf8')) as string[];

const STATUSES = ['met', 'partly', 'not met', 'n/a'] as const;
type Status = (typeof STATUSES)[number];
const ID = /^V\d+\.\d+\.\d+$/;
const COLUMNS = ['id', 'requirement (paraphrased)', 'level', 'status', 'how', 'tests'];

interface Row {
  line: number;
  section: string | undefined;
  id: string;
  requirement: string;
  level: string;
  status: string;
  how: string;
  tests: string;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

const lines = DOC.split('\n');

function requirementRows(): Row[] {
  const rows: Row[] = [];
  let section: string | undefined;
  lines.forEach((text, index) => {
    const heading = /^### (V\d+\.\d+) /.exec(text);
    if (heading) section = heading[1];
    if (!/^\|\s*V\d+\.\d+\.\d+\s*\|/.test(text)) return;
    const [id = '', requirement = '', level = '', status = '', how = '', tests = '', ...rest] = cells(text);
    // A seventh cell means a stray `|` inside a cell, which would shift every column after it.
    expect(rest, `line ${index + 1} has more than ${COLUMNS.length} cells`).toEqual([]);
    rows.push({ line: index + 1, section, id, requirement, level, status, how, tests });
  });
  return rows;
}

const ROWS = requirementRows();
const chapterOf = (id: string) => id.split('.')[0] as string;

function countStatuses(rows: Row[]): Record<Status, number> {
  const counts = { met: 0, partly: 0, 'not met': 0, 'n/a': 0 };
  for (const row of rows) counts[row.status as Status] += 1;
  return counts;
}

/** The summary table: `| V1 Name | met | partly | not met | n/a | total |` rows and a `Total` row. */
function summaryRows(): Map<string, number[]> {
  const start = lines.findIndex((text) => text.trim() === '## Summary');
  expect(start, 'the page has a "## Summary" section').toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((text, index) => index > start && text.startsWith('## '));
  const summary = new Map<string, number[]>();
  for (const text of lines.slice(start + 1, end === -1 ? undefined : end)) {
    const [label = '', ...numbers] = cells(text);
    const key = label === 'Total' ? 'Total' : /^(V\d+) /.exec(label)?.[1];
    if (!text.startsWith('|') || !key) continue;
    expect(numbers, `summary row ${label}`).toHaveLength(5);
    expect(summary.has(key), `summary row ${key} appears once`).toBe(false);
    summary.set(key, numbers.map(Number));
  }
  return summary;
}

describe('docs/security/asvs.md, the ASVS 5.0 L1/L2 mapping', () => {
  it('has a requirement table header on every section, with the agreed columns', () => {
    const headers = lines.filter((text) => /^\|\s*id\s*\|/.test(text));
    expect(headers.length).toBeGreaterThan(0);
    for (const header of headers) expect(cells(header)).toEqual(COLUMNS);
  });

  it('the expected list itself holds unique, well-formed L1/L2 ids', () => {
    expect(EXPECTED_IDS.length).toBeGreaterThanOrEqual(250);
    expect(new Set(EXPECTED_IDS).size).toBe(EXPECTED_IDS.length);
    for (const id of EXPECTED_IDS) expect(id).toMatch(ID);
  });

  it('names every id exactly once, in the form V<chapter>.<section>.<requirement>', () => {
    const seen = new Map<string, number[]>();
    for (const row of ROWS) {
      expect(row.id, `line ${row.line}`).toMatch(ID);
      seen.set(row.id, [...(seen.get(row.id) ?? []), row.line]);
    }
    const duplicates = [...seen].filter(([, at]) => at.length > 1).map(([id, at]) => `${id} (lines ${at.join(', ')})`);
    expect(duplicates).toEqual([]);
  });

  it('maps exactly the L1 and L2 requirements of ASVS 5.0.0', () => {
    const ids = new Set(ROWS.map((row) => row.id));
    const expected = new Set(EXPECTED_IDS);
    expect(
      [...expected].filter((id) => !ids.has(id)),
      'missing from the page',
    ).toEqual([]);
    expect(
      [...ids].filter((id) => !expected.has(id)),
      'not L1/L2 ids of ASVS 5.0.0',
    ).toEqual([]);
  });

  it('puts each requirement under the heading of its own section', () => {
    const misplaced = ROWS.filter((row) => row.id.split('.').slice(0, 2).join('.') !== row.section);
    expect(misplaced.map((row) => `${row.id} under ${row.section}`)).toEqual([]);
  });

  it('gives every requirement a known status, a level of 1 or 2, a paraphrase and an explanation', () => {
    for (const row of ROWS) {
      expect(STATUSES, `${row.id} status "${row.status}"`).toContain(row.status);
      expect(['1', '2'], `${row.id} level`).toContain(row.level);
      expect(row.requirement.length, `${row.id} requirement`).toBeGreaterThan(10);
      // n/a needs a reason, partly and not met need to say what is missing.
      expect(row.how.length, `${row.id} how`).toBeGreaterThan(10);
    }
  });

  it('names only test files that exist in the repository', () => {
    const problems: string[] = [];
    for (const row of ROWS) {
      const paths = [...row.tests.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
      const leftover = row.tests.replace(/`[^`]+`/g, '').replace(/[,\s]/g, '');
      if (paths.length === 0 ? leftover !== '—' : leftover !== '') {
        problems.push(`${row.id}: tests cell must be backticked paths separated by commas, or "—"`);
      }
      for (const path of paths) {
        if (!/\.test\.ts$/.test(path)) problems.push(`${row.id}: ${path} is not a test file`);
        else if (!existsSync(join(ROOT, path)) || !statSync(join(ROOT, path)).isFile()) {
          problems.push(`${row.id}: ${path} does not exist`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names at least one test on every met row (the page says met is shown by a test, not asserted)', () => {
    const untested = ROWS.filter((row) => row.status === 'met' && !/`[^`]+\.test\.ts`/.test(row.tests));
    expect(untested.map((row) => `${row.id} (line ${row.line})`)).toEqual([]);
  });

  it('has summary counts equal to the counts of the tables, per chapter and in total', () => {
    const summary = summaryRows();
    const chapters = [...new Set(ROWS.map((row) => chapterOf(row.id)))];
    expect([...summary.keys()].sort()).toEqual([...chapters, 'Total'].sort());
    for (const key of [...chapters, 'Total']) {
      const rows = key === 'Total' ? ROWS : ROWS.filter((row) => chapterOf(row.id) === key);
      const counts = countStatuses(rows);
      expect(summary.get(key), `summary for ${key}: met, partly, not met, n/a, total`).toEqual([
        counts.met,
        counts.partly,
        counts['not met'],
        counts['n/a'],
        rows.length,
      ]);
    }
  });

  it('states the applicable total in the summary, and at least 200 requirements apply', () => {
    const counts = countStatuses(ROWS);
    const applicable = ROWS.length - counts['n/a'];
    expect(applicable).toBeGreaterThanOrEqual(200);
    expect(DOC).toContain(`${ROWS.length} requirements: ${applicable} apply to Bulwark and ${counts['n/a']} do not.`);
  });
});
