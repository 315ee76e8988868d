import { createRng, type Rng } from './prng.js';
import {
  deepNesting,
  HOSTILE_STRINGS,
  hostileValue,
  manyKeys,
  RawJson,
  type Schema,
  toJsonText,
  type ValueContext,
  validValue,
} from './values.js';

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  /** The document's path template, `/api/collections/{c}/records`. */
  path: string;
  params: Array<{ name: string; in: string; schema: Schema; required: boolean }>;
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema: Schema }> } }>
  >;
  components?: { schemas?: Record<string, Schema> };
}

export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      params: operation.parameters ?? [],
      ...(operation.requestBody?.content?.['application/json']
        ? { body: operation.requestBody.content['application/json'].schema }
        : {}),
    })),
  );
}

export type CredentialKind = 'guest' | 'user' | 'admin' | 'cookie' | 'garbage';

/** What the fuzzer knows about the running server, filled in as it answers. */
export interface World {
  host: string;
  resolve: (ref: string) => Schema;
  /** Known good values for a parameter or property name of an operation. */
  hint: (name: string, operation: Operation, where: 'path' | 'query' | 'body') => readonly unknown[] | undefined;
  /** The body schema of a collection's records (collections define their own fields). */
  recordSchema: (collection: string) => Schema | undefined;
  credentials: (kind: Exclude<CredentialKind, 'guest' | 'garbage'>) => Record<string, string>;
}

export interface FuzzRequest {
  index: number;
  /** `METHOD /path/{template}` of the operation it came from. */
  operation: string;
  credential: CredentialKind;
  /** What was done to the valid request, e.g. `query:page=hostile`, `host:missing`. */
  mutations: string[];
  method: string;
  target: string;
  raw: Buffer;
  isHead: boolean;
  /** Sent on the worker's kept-alive connection rather than on one of its own. */
  keepAlive: boolean;
  /** Values of the path parameters as sent (the records schema depends on `c`). */
  pathValues: Record<string, string>;
  /** The credential headers sent, so a follow-up read can act as the same caller. */
  authHeaders: Record<string, string>;
  /** The body as sent, when there was one. */
  body?: Buffer;
}

type Mutation = 'path' | 'query' | 'body' | 'content-type' | 'method' | 'host' | 'headers' | 'credentials' | 'wire';
const MUTATIONS: readonly Mutation[] = [
  'path',
  'query',
  'query',
  'body',
  'body',
  'body',
  'content-type',
  'method',
  'host',
  'headers',
  'credentials',
  'wire',
];

/** Request number `index` of a run with `seed`: a valid request of a random operation, then 0–3 mutations. */
export function buildRequest(seed: number, index: number, operations: readonly Operation[], world: World): FuzzRequest {
  const rng = createRng(seed, index);
  // Records carry most of the logic a client can reach (rules, field values, SQL): a quarter of
  // the requests go there on top of their even share.
  const records = operations.filter((candidate) => candidate.path.includes('/records'));
  const operation = records.length && rng.chance(0.25) ? rng.pick(records) : rng.pick(operations);
  const contextFor = (where: 'path' | 'query' | 'body'): ValueContext => ({
    rng,
    resolve: world.resolve,
    hint: (name) => world.hint(name, operation, where),
  });
  const roll = rng.next();
  const count = roll < 0.2 ? 0 : roll < 0.7 ? 1 : roll < 0.93 ? 2 : 3;
  const planned = new Set(Array.from({ length: count }, () => rng.pick(MUTATIONS)));
  const mutations: string[] = [];
  const note = (what: string) => mutations.push(what);

  let credential: CredentialKind = rng.pick(['guest', 'user', 'admin', 'admin', 'cookie']);
  if (planned.has('credentials')) credential = 'garbage';

  // Path
  const pathValues: Record<string, string> = {};
  const pathParams = operation.params.filter((p) => p.in === 'path');
  const hostileParam = planned.has('path') && pathParams.length && rng.chance(0.8) ? rng.pick(pathParams) : undefined;
  let target = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = operation.params.find((p) => p.name === name && p.in === 'path');
    const value = String(validValue(param?.schema ?? { type: 'string' }, contextFor('path'), name));
    pathValues[name] = value;
    if (param && param === hostileParam) {
      const segment = hostilePathSegment(rng);
      note(`path:${name}=${shorten(segment)}`);
      return segment;
    }
    return encodeURIComponent(value);
  });
  if (planned.has('path') && !hostileParam) {
    const shape = rng.pick(['trailing-slash', 'double-slash', 'upper-case', 'extra-segment', 'dot-segment', 'matrix']);
    note(`path:${shape}`);
    target =
      shape === 'trailing-slash'
        ? `${target}/`
        : shape === 'double-slash'
          ? target.replace('/api/', '//api//')
          : shape === 'upper-case'
            ? target.toUpperCase()
            : shape === 'extra-segment'
              ? `${target}/${rng.pick(['x', '%FF', '..', 'a'.repeat(3000)])}`
              : shape === 'dot-segment'
                ? target.replace('/api/', '/api/./../api/')
                : `${target};jsessionid=x`;
  }

  // Query
  const query: string[] = [];
  const declared = operation.params.filter((p) => p.in === 'query');
  for (const param of declared) {
    if (param.required || rng.chance(0.5)) {
      query.push(
        `${param.name}=${encodeURIComponent(String(validValue(param.schema, contextFor('query'), param.name)))}`,
      );
    }
  }
  if (planned.has('query')) {
    const [name, parts] = hostileQuery(rng, declared, note);
    // The hostile value replaces the valid one (two values would be a different test).
    query.splice(0, query.length, ...query.filter((part) => !part.startsWith(`${name}=`)), ...parts);
  }
  if (query.length) target += `?${query.join('&')}`;

  // Body
  const recordsBody = /\/records(\/\{id\})?$/.test(operation.path) && ['POST', 'PATCH'].includes(operation.method);
  const bodySchema = recordsBody ? world.recordSchema(pathValues.c ?? '') : operation.body;
  let bodyText: Buffer | undefined;
  if (bodySchema || planned.has('body')) {
    const value = bodySchema ? validValue(bodySchema, contextFor('body'), '') : { a: 1 };
    bodyText = planned.has('body') ? hostileBody(rng, value, note) : Buffer.from(toJsonText(value));
  }
  let contentType: string | undefined = bodyText ? 'application/json' : undefined;
  if (planned.has('content-type')) {
    contentType = rng.pick([
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/merge-patch+json',
      'application/json, text/html',
      'application/jsonx',
      ';;;',
      'APPLICATION/JSON',
    ]);
    note(`content-type:${contentType ?? 'none'}`);
    if (!bodyText && rng.chance(0.5)) bodyText = Buffer.from(rng.pick(['{}', 'a=1', '--x--', '[]']));
  }

  // Method
  let method = operation.method;
  if (planned.has('method')) {
    method = rng.pick([
      'HEAD',
      'HEAD',
      'OPTIONS',
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'TRACE',
      'PROPFIND',
      'FUZZ',
    ]);
    note(`method:${method}`);
  }
  let version = 'HTTP/1.1';

  // Headers
  const headers: Array<[string, string]> = [['host', world.host]];
  if (planned.has('host')) {
    const host = rng.pick([
      'missing',
      'empty',
      'http/1.0 without',
      'evil',
      'bracket',
      'port',
      'long',
      'twice',
      'space',
    ]);
    note(`host:${host}`);
    headers.length = 0;
    if (host === 'http/1.0 without') version = 'HTTP/1.0';
    else if (host === 'empty') headers.push(['host', '']);
    else if (host === 'evil') headers.push(['host', 'evil.example']);
    else if (host === 'bracket') headers.push(['host', '[::1']);
    else if (host === 'port') headers.push(['host', 'localhost:99999']);
    else if (host === 'long') headers.push(['host', `${'a'.repeat(3000)}.example`]);
    else if (host === 'twice') headers.push(['host', world.host], ['host', 'evil.example']);
    else if (host === 'space') headers.push(['host', 'a b']);
  }
  // Requests that may break the connection or its framing get one of their own; the rest share
  // a kept-alive one (a new connection per request doubles what a run costs).
  const keepAlive = !['path', 'method', 'host', 'headers', 'wire'].some((what) => planned.has(what as Mutation));
  if (!keepAlive) headers.push(['connection', 'close']);
  if (credential === 'garbage') {
    const [name, value] = rng.pick<[string, string]>([
      ['authorization', 'Bearer '],
      ['authorization', 'Bearer bwa_x'],
      ['authorization', `Bearer ${'a'.repeat(5000)}`],
      ['authorization', 'Basic Zm9vOmJhcg=='],
      ['authorization', 'Bearer %FF%00'],
      ['cookie', '__Host-bulwark_session=%FF'],
      ['cookie', `__Host-bulwark_session=${'x'.repeat(4000)}`],
      ['cookie', Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; ')],
    ]);
    note(`credentials:${name}=${shorten(value)}`);
    headers.push([name, value]);
  }
  const authHeaders = credential === 'guest' || credential === 'garbage' ? {} : world.credentials(credential);
  headers.push(...Object.entries(authHeaders));
  if (planned.has('headers')) {
    const [name, value] = rng.pick<[string, string]>([
      ['x-forwarded-for', '999.1.1.1, ::ffff:1.2.3.4, %FF'],
      ['x-forwarded-proto', 'https'],
      ['origin', 'null'],
      ['origin', 'https://evil.example'],
      ['accept', 'application/xml'],
      ['accept-encoding', 'gzip, br, zstd'],
      ['x-http-method-override', 'DELETE'],
      ['x-request-id', 'forged'],
      ['range', 'bytes=0-1'],
      ['x-huge', 'h'.repeat(rng.between(9000, 20_000))],
      ['if-none-match', '*'],
    ]);
    note(`header:${name}=${shorten(value)}`);
    headers.push([name, value]);
  }
  if (contentType !== undefined) headers.push(['content-type', contentType]);
  if (bodyText) headers.push(['content-length', String(bodyText.length)]);

  let raw: Buffer = Buffer.concat([
    Buffer.from(`${method} ${target} ${version}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'utf8'),
    bodyText ?? Buffer.alloc(0),
  ]);
  if (planned.has('wire')) {
    const [name, mangled] = wireMutation(rng, raw, method, target);
    note(`wire:${name}`);
    raw = mangled;
  }
  return {
    index,
    operation: `${operation.method} ${operation.path}`,
    credential,
    mutations,
    method,
    target,
    raw,
    // Methods are case-sensitive (RFC 9110 §9.1): a mangled `head` is an unknown method, whose
    // error answer may carry a body; only what goes out on the wire as `HEAD` is a HEAD.
    isHead: raw.subarray(0, 5).toString('latin1') === 'HEAD ',
    keepAlive,
    pathValues,
    authHeaders,
    ...(bodyText ? { body: bodyText } : {}),
  };
}

function shorten(text: string, max = 40): string {
  const printable = JSON.stringify(text).slice(1, -1);
  return printable.length > max ? `${printable.slice(0, max)}…(${text.length} chars)` : printable;
}

/** Path segments as sent on the wire (already percent-encoded or deliberately not). */
function hostilePathSegment(rng: Rng): string {
  return rng.pick([
    '%FF',
    '%00',
    'a%00b',
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%ED%A0%80',
    '..',
    '%2e%2e',
    '%2F',
    '.',
    '*',
    '%20',
    'é',
    'a'.repeat(rng.between(2049, 9000)),
    'b'.repeat(rng.between(60, 2048)),
    encodeURIComponent(rng.pick(HOSTILE_STRINGS.filter((s) => !/[\ud800-\udfff]/.test(s)))),
  ]);
}

/** Numbers a query string can spell that a number parser must not let through. */
const NUMERIC_QUERY_VALUES = [
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  'NaN',
  '-1',
  '0',
  '1.5',
  '1e3',
  '0x10',
  '9007199254740993',
  '99999999999999999999',
];

function hostileQuery(rng: Rng, declared: Operation['params'], note: (what: string) => void): [string, string[]] {
  const param = declared.length && rng.chance(0.8) ? rng.pick(declared) : undefined;
  const name = param?.name ?? rng.pick(['x', '__proto__', 'constructor']);
  const numeric = param?.schema.type === 'integer' || param?.schema.type === 'number';
  if (numeric && rng.chance(0.6)) {
    const value = rng.pick([...NUMERIC_QUERY_VALUES, String((param?.schema.maximum ?? 1e6) + 1)]);
    note(`query:${name}=${value}`);
    return [name, [`${name}=${encodeURIComponent(value)}`]];
  }
  const kind = rng.pick(['value', 'value', 'value', 'repeat', 'bracket', 'raw', 'long', 'empty']);
  note(`query:${name}=${kind}`);
  return [name, hostileQueryParts(rng, name, kind)];
}

function hostileQueryParts(rng: Rng, name: string, kind: string): string[] {
  switch (kind) {
    case 'repeat':
      return [`${name}=1`, `${name}=2`];
    case 'bracket':
      return [`${name}[]=1`, `${name}[a]=b`];
    case 'raw':
      return [`${name}=${rng.pick(['%FF', '%', '%zz', '%00', 'a%00', '%ED%A0%80', '+%2B+'])}`];
    case 'long':
      return [`${name}=${'q'.repeat(rng.between(3000, 12_000))}`];
    case 'empty':
      return [`${name}=`, '&&=&'];
    default: {
      const value = rng.pick([
        ...HOSTILE_STRINGS.filter((s) => !/[\ud800-\udfff]/.test(s)),
        'Infinity',
        '-Infinity',
        '1e309',
        '-1e309',
        '1e3',
        ' 1',
        '1.5',
        '-0',
        '9007199254740993',
        '99999999999999999999',
      ]);
      return [`${name}=${encodeURIComponent(value)}`];
    }
  }
}

/** A body built from a valid value by one hostile change, as JSON text or raw bytes. */
function hostileBody(rng: Rng, value: unknown, note: (what: string) => void): Buffer {
  const object =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const keys = Object.keys(object);
  const kind = rng.pick([
    'leaf',
    'leaf',
    'leaf',
    'leaf',
    'null-leaf',
    'unknown-keys',
    'many-keys',
    'drop-key',
    'root',
    'proto',
    'text',
  ]);
  switch (kind) {
    case 'leaf':
    case 'null-leaf': {
      const at = setDeepLeaf(rng, object, kind === 'null-leaf' ? null : hostileValue(rng));
      note(`body:${at}=${kind === 'null-leaf' ? 'null' : 'hostile'}`);
      return Buffer.from(toJsonText(object));
    }
    case 'unknown-keys':
      note('body:unknown-keys');
      return Buffer.from(toJsonText({ ...object, ...manyKeys(rng.between(1, 5), 'zz') }));
    case 'many-keys': {
      const count = rng.chance(0.2) ? rng.between(20_000, 60_000) : rng.between(50, 2000);
      note(`body:${count}-unknown-keys`);
      // Written as text: building tens of thousands of keys as an object costs the fuzzer more
      // than the server.
      const keysText = Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',');
      const json = toJsonText(object);
      return Buffer.from(json === '{}' ? `{${keysText}}` : `${json.slice(0, -1)},${keysText}}`);
    }
    case 'drop-key': {
      const key = keys.length ? rng.pick(keys) : undefined;
      if (key) delete object[key];
      note(`body:drop-${key ?? 'nothing'}`);
      return Buffer.from(toJsonText(object));
    }
    case 'root': {
      const root = rng.pick<unknown>([[], [object], 'x', 1, null, true, new RawJson('1e309'), deepNesting(40)]);
      note(`body:root=${shorten(toJsonText(root), 20)}`);
      return Buffer.from(toJsonText(root));
    }
    case 'proto': {
      const key = rng.pick(['__proto__', 'constructor', 'prototype']);
      note(`body:${key}`);
      const poisoned = { ...object };
      Object.defineProperty(poisoned, key, {
        value: key === 'constructor' ? { prototype: { isAdmin: true } } : { isAdmin: true, role: 'admin' },
        enumerable: true,
      });
      return Buffer.from(toJsonText(poisoned));
    }
    default: {
      const json = toJsonText(object);
      const text = rng.pick([
        'truncated',
        'trailing',
        'bom',
        'bad-utf8',
        'duplicate-key',
        'deep-text',
        'empty',
        'spaces',
      ]);
      note(`body:${text}`);
      switch (text) {
        case 'truncated':
          return Buffer.from(json.slice(0, Math.max(1, rng.int(json.length))));
        case 'trailing':
          return Buffer.from(`${json},}`);
        case 'bom':
          return Buffer.from(`\ufeff${json}`);
        case 'bad-utf8':
          return Buffer.concat([
            Buffer.from('{"a":"'),
            Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
            Buffer.from('"}'),
          ]);
        case 'duplicate-key':
          return Buffer.from(
            keys.length ? `${json.slice(0, -1)},${JSON.stringify(keys[0])}:{"$ne":1}}` : '{"a":1,"a":2}',
          );
        case 'deep-text': {
          const depth = rng.between(1000, 20_000);
          return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
        }
        case 'empty':
          return Buffer.alloc(0);
        default:
          return Buffer.from(`${' '.repeat(rng.between(1, 100_000))}${json}`);
      }
    }
  }
}

/** Replaces one leaf of a nested object (or adds a key) with `value`; returns where. */
function setDeepLeaf(rng: Rng, object: Record<string, unknown>, value: unknown): string {
  let current: Record<string, unknown> | unknown[] = object;
  const path: string[] = [];
  for (;;) {
    const keys: Array<string | number> = Array.isArray(current) ? current.map((_, i) => i) : Object.keys(current);
    if (keys.length === 0) {
      if (Array.isArray(current)) current.push(value);
      else current.extra = value;
      return [...path, Array.isArray(current) ? '0' : 'extra'].join('.');
    }
    const key = rng.pick(keys);
    path.push(String(key));
    const child: unknown = (current as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && rng.chance(0.6)) {
      current = child as Record<string, unknown>;
      continue;
    }
    (current as Record<string, unknown>)[key] = value;
    return path.join('.');
  }
}

/** Framing Node's parser must refuse (or survive), as raw bytes. */
function wireMutation(rng: Rng, raw: Buffer, method: string, target: string): [string, Buffer] {
  const text = raw.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = text.slice(0, headEnd);
  const rest = text.slice(headEnd);
  const kind = rng.pick([
    'duplicate-content-length',
    'te-and-cl',
    'bad-chunk',
    'bare-lf',
    'no-colon',
    'space-before-colon',
    'obs-fold',
    'nul-in-header',
    'bad-version',
    'lower-case-method',
    'absolute-form',
    'asterisk',
    'space-in-target',
    'control-in-target',
  ]);
  const withHead = (newHead: string, newRest = rest) => Buffer.from(newHead + newRest, 'latin1');
  const firstLineEnd = head.indexOf('\r\n');
  const firstLine = head.slice(0, firstLineEnd);
  const headers = head.slice(firstLineEnd);
  switch (kind) {
    case 'duplicate-content-length':
      return [kind, withHead(`${head}\r\ncontent-length: 0\r\ncontent-length: 7`)];
    case 'te-and-cl':
      return [kind, withHead(`${head}\r\ntransfer-encoding: chunked\r\ncontent-length: 3`, '\r\n\r\n0\r\n\r\n')];
    case 'bad-chunk':
      return [
        kind,
        withHead(
          `${head.replace(/\r\ncontent-length: \d+/i, '')}\r\ntransfer-encoding: chunked`,
          '\r\n\r\nzz\r\nx\r\n0\r\n\r\n',
        ),
      ];
    case 'bare-lf':
      return [kind, Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1')];
    case 'no-colon':
      return [kind, withHead(`${head}\r\nx-broken header`)];
    case 'space-before-colon':
      return [kind, withHead(`${head}\r\nx-space : 1`)];
    case 'obs-fold':
      return [kind, withHead(`${head}\r\nx-fold: a\r\n  b`)];
    case 'nul-in-header':
      return [kind, withHead(`${head}\r\nx-nul: a\u0000b`)];
    case 'bad-version':
      return [
        kind,
        withHead(
          `${firstLine.replace(/HTTP\/1\.[01]$/, rng.pick(['HTTP/2.0', 'HTTP/1.1x', 'HTTP/9.9', 'HTTX/1.1']))}${headers}`,
        ),
      ];
    case 'lower-case-method':
      return [kind, withHead(`${method.toLowerCase()}${firstLine.slice(method.length)}${headers}`)];
    case 'absolute-form':
      return [kind, withHead(`${method} http://evil.example${target} HTTP/1.1${headers}`)];
    case 'asterisk':
      return [kind, withHead(`${method} * HTTP/1.1${headers}`)];
    case 'space-in-target':
      return [kind, withHead(`${method} ${target}/a b HTTP/1.1${headers}`)];
    default:
      return [kind, withHead(`${method} ${target}\u0001\u007f HTTP/1.1${headers}`)];
  }
}

/** A plain GET of one record as the caller of `request`, to see what was really stored. */
export function readBackRequest(request: FuzzRequest, host: string, id: string): FuzzRequest {
  const target = `/api/collections/${encodeURIComponent(request.pathValues.c ?? '')}/records/${encodeURIComponent(id)}`;
  const headers = [['host', host], ...Object.entries(request.authHeaders)];
  return {
    index: request.index,
    operation: 'GET /api/collections/{c}/records/{id} (read-back)',
    credential: request.credential,
    mutations: [`read-back of #${request.index}`],
    method: 'GET',
    target,
    raw: Buffer.from(`GET ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`),
    isHead: false,
    keepAlive: true,
    pathValues: request.pathValues,
    authHeaders: request.authHeaders,
  };
}

export const isRecordWrite = (request: FuzzRequest) =>
  request.operation === 'POST /api/collections/{c}/records' ||
  request.operation === 'PATCH /api/collections/{c}/records/{id}';
