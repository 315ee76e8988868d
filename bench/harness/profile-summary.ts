/**
 * Self time of a V8 CPU profile (`.cpuprofile`, as the inspector's Profiler writes it) by area
 * of the request path, so the note in bench/profiles/ says where a request's time goes without
 * opening a flame chart. An area is decided by the frame's script URL (or, for V8 and native
 * frames that have none, by their name); the first matching rule wins.
 */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Names better-sqlite3's native Statement and Database methods have in a profile (no URL). */
const SQLITE_NATIVE = new Set(['all', 'get', 'run', 'iterate', 'prepare', 'pluck', 'raw', 'expand', 'bind', 'exec']);
/** Who calls them: better-sqlite3's own wrappers, Kysely's SQLite driver, or our code (the bare endpoint's too). */
const SQLITE_CALLER = /\/node_modules\/(better-sqlite3|kysely\/dist\/[^/]+\/dialect\/sqlite)\/|\/(src|bench)\//;
const OURS = (url: string, folders: string) =>
  !url.includes('/node_modules/') && new RegExp(`/src/(${folders})/`).test(url);

const AREAS: Array<{ area: string; matches: (url: string, name: string, callerUrl: string) => boolean }> = [
  { area: 'idle', matches: (_url, name) => name === '(idle)' },
  { area: 'GC', matches: (_url, name) => name === '(garbage collector)' },
  { area: 'V8 (compiler, runtime)', matches: (_url, name) => name === '(program)' },
  {
    area: 'SQL driver (better-sqlite3, pg)',
    matches: (url, name, callerUrl) =>
      /\/node_modules\/(better-sqlite3|pg[^/]*)\//.test(url) ||
      (url === '' && SQLITE_NATIVE.has(name) && SQLITE_CALLER.test(callerUrl)),
  },
  { area: 'Kysely (query building)', matches: (url) => url.includes('/node_modules/kysely/') },
  { area: 'rules (parse, compile)', matches: (url) => OURS(url, 'features/rules') },
  {
    area: 'auth (token lookup)',
    // The sign-in features (features/auth assembles them) and the token hasher they share.
    matches: (url) =>
      OURS(url, 'features/(auth|auth-core|identity|sessions|factors|oidc|api-keys)') ||
      /\/src\/lib\/crypto\/token-hasher\.[jt]s$/.test(url),
  },
  { area: 'records and collections', matches: (url) => OURS(url, 'features/collections') },
  {
    area: 'pino and logging',
    matches: (url) =>
      /\/node_modules\/(pino[^/]*|sonic-boom|thread-stream|fast-redact|@pinojs\/[^/]+)\//.test(url) ||
      (!url.includes('/node_modules/') && /\/src\/http\/logger\.[jt]s$/.test(url)),
  },
  {
    area: 'JSON',
    matches: (url, name) =>
      /\/node_modules\/(fast-json-stringify|secure-json-parse|json-schema-ref-resolver)\//.test(url) ||
      (url === '' && (name === 'stringify' || name === 'parse')),
  },
  {
    area: 'Fastify (routing, hooks, validation)',
    matches: (url) =>
      /\/node_modules\/(fastify|@fastify\/[^/]+|find-my-way|avvio|fast-querystring|fastify-plugin|ajv[^/]*|toad-cache|light-my-request)\//.test(
        url,
      ),
  },
  {
    area: 'Bulwark pipeline (http, app, stores, db, lib)',
    matches: (url) => OURS(url, 'http|app|stores|db|lib|config|errors'),
  },
  { area: 'Bulwark, other features', matches: (url) => OURS(url, 'features') },
  { area: 'Node core (http, sockets, streams, timers)', matches: (url) => url.startsWith('node:') },
];

const OTHER = 'other (dependencies, bench)';

/** The URL of the nearest caller that has one. */
function callerWithUrl(node: ProfileNode, parentOf: (id: number) => ProfileNode | undefined): string {
  for (let caller = parentOf(node.id); caller; caller = parentOf(caller.id)) {
    if (caller.callFrame.url !== '') return caller.callFrame.url;
  }
  return '';
}

/**
 * A frame's area by its own URL or name; a native frame with neither (a socket write, code made
 * by `new Function`) takes the area of the code that called it, and so does Node's crypto.
 */
export function areaOf(node: ProfileNode, parentOf: (id: number) => ProfileNode | undefined): string {
  const { url, functionName } = node.callFrame;
  const parent = parentOf(node.id);
  // Hashing is done for whoever asked (the token lookup's HMAC is auth's), not for Node.
  if (parent && /^node:(internal\/)?crypto\b/.test(url)) return areaOf(parent, parentOf);
  // Fastify's response serializer is code fast-json-stringify made with `new Function`.
  if (
    url === '' &&
    /^anonymous\d*$/.test(functionName) &&
    callerWithUrl(node, parentOf).endsWith('/fastify/lib/reply.js')
  ) {
    return 'JSON';
  }
  const rule = AREAS.find((candidate) => candidate.matches(url, functionName, parent?.callFrame.url ?? ''));
  if (rule) return rule.area;
  return parent && url === '' ? areaOf(parent, parentOf) : OTHER;
}

export interface AreaRow {
  area: string;
  selfMs: number;
  /** Share of the busy (not idle) time. */
  percent: number;
  /** Self time per request, when the number of requests is known. */
  microsPerRequest?: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  areas: AreaRow[];
  /** The functions with the most self time, busiest first. */
  top: Array<{ name: string; where: string; area: string; selfMs: number }>;
}

/** Self time per node: each sample lasts until the next one (the last one has no end and counts nothing). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  return self;
}

/** The project's root as a file URL, so frames of our code read as `src/...`. */
const PROJECT = new URL('../../', import.meta.url).href;

/** A URL as a path inside the project (or inside node_modules), for reading. */
function shortUrl(url: string): string {
  const dependency = url.lastIndexOf('/node_modules/');
  if (dependency >= 0) return url.slice(dependency + 1);
  return url.startsWith(PROJECT) ? url.slice(PROJECT.length) : url || '(native)';
}

export function summariseProfile(profile: CpuProfile, requests?: number, topCount = 15): ProfileSummary {
  const self = selfTimes(profile);
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; area: string; selfMs: number }>();
  for (const node of profile.nodes) {
    const micros = self.get(node.id) ?? 0;
    if (micros === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(node, (id) => parents.get(id));
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    const name = functionName || '(anonymous)';
    // Lines of our TypeScript are those of tsx's output, not of the source: only the file then.
    const line = url && !url.endsWith('.ts') ? `:${(lineNumber ?? 0) + 1}` : '';
    const where = `${shortUrl(url)}${line}`;
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, area, selfMs: 0 };
    entry.selfMs += micros / 1000;
    byFunction.set(key, entry);
  }
  const idleMs = (byArea.get('idle') ?? 0) / 1000;
  byArea.delete('idle');
  const busyMs = [...byArea.values()].reduce((sum, micros) => sum + micros, 0) / 1000;
  const areas = [...byArea.entries()]
    .map(([area, micros]) => ({
      area,
      selfMs: micros / 1000,
      percent: busyMs > 0 ? (100 * micros) / 1000 / busyMs : 0,
      ...(requests ? { microsPerRequest: micros / requests } : {}),
    }))
    .sort((a, b) => b.selfMs - a.selfMs);
  const top = [...byFunction.values()]
    .filter((entry) => entry.area !== 'idle')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, topCount);
  return { busyMs, idleMs, areas, top };
}

function busyPerRequest(summary: ProfileSummary): string {
  return summary.areas.reduce((sum, row) => sum + (row.microsPerRequest ?? 0), 0).toFixed(0);
}

/** The summary as Markdown tables: areas, then the busiest functions. */
export function formatSummary(summary: ProfileSummary): string {
  const perRequest = summary.areas.some((row) => row.microsPerRequest !== undefined);
  const areas = markdownTable(
    ['area', 'self ms', 'share of busy time', ...(perRequest ? ['µs per request'] : [])],
    'lrrr',
    [
      ...summary.areas.map((row) => [
        row.area,
        row.selfMs.toFixed(0),
        `${row.percent.toFixed(1)}%`,
        ...(perRequest ? [row.microsPerRequest?.toFixed(0) ?? ''] : []),
      ]),
      [
        '**busy**',
        `**${summary.busyMs.toFixed(0)}**`,
        '100%',
        ...(perRequest ? [`**${busyPerRequest(summary)}**`] : []),
      ],
    ],
  );
  const functions = markdownTable(
    ['function', 'where', 'area', 'self ms'],
    'lllr',
    summary.top.map((f) => [`\`${f.name}\``, f.where, f.area, f.selfMs.toFixed(0)]),
  );
  return [...areas, '', `Idle (waiting for I/O): ${summary.idleMs.toFixed(0)} ms.`, '', ...functions, ''].join('\n');
}

/** A Markdown table with its columns padded, as Biome formats one, so the written note passes `biome check`. */
function markdownTable(header: string[], align: string, rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const right = (i: number) => align[i] === 'r';
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (right(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = widths.map((width, i) => (right(i) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}
