import type { TestApp } from './test-app.js';

/** One sample of a scrape: its series name, its labels and its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A sample line of the Prometheus text format (0.0.4): name, optional labels, value. */
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (\S+)$/;
const COMMENT_LINE =
  /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g;

/** Parses Prometheus text, throwing on the first line that is neither a sample nor HELP/TYPE. */
export function parseScrape(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || COMMENT_LINE.test(line)) continue;
    const match = SAMPLE_LINE.exec(line);
    const value = match ? Number(match[3]) : Number.NaN;
    // Prometheus reads values with Go's ParseFloat: NaN in any case (prom-client writes `Nan`).
    if (!match || (Number.isNaN(value) && !/^nan$/i.test(match[3] as string))) {
      throw new Error(`not Prometheus text: ${line}`);
    }
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1] as string, labels, value });
  }
  return samples;
}

/** A scrape, read by series name and labels (0 for a series not there yet). */
export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[] = parseScrape(text),
  ) {}

  value(name: string, labels: Record<string, string> = {}): number {
    const wanted = Object.entries(labels);
    const sample = this.samples.find(
      (s) =>
        s.name === name &&
        Object.keys(s.labels).length === wanted.length &&
        wanted.every(([key, value]) => s.labels[key] === value),
    );
    return sample?.value ?? 0;
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}

/** Scrapes `GET /metrics` with the token, through the app's own pipeline. */
export async function scrape(app: TestApp, token: string): Promise<Scrape> {
  const response = await app.http.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  if (response.statusCode !== 200) throw new Error(`scrape: ${response.statusCode} ${response.body}`);
  return new Scrape(response.body);
}

/** How far each series moved between two scrapes. */
export const moved =
  (before: Scrape, after: Scrape) =>
  (name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels) - before.value(name, labels);
