import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/http/security-headers.js';
import { checkAnswer, checkNullKept, checkRecordDates, checkStored } from './checks.js';
import { createRng } from './prng.js';
import { parseAnswer, type RawAnswer } from './raw-http.js';
import { buildRequest, type FuzzRequest, type Operation, type World } from './requests.js';
import { fromPattern, RawJson, toJsonText } from './values.js';

/** The fuzzer's own parts, without a server: its checks must catch what they name and pass a good answer. */
const REQUEST_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const goodHeaders = {
  ...securityHeaders(false),
  'x-request-id': REQUEST_ID,
  'content-type': 'application/problem+json',
};
const answer = (status: number, body: string, headers: Record<string, string> = goodHeaders): RawAnswer => ({
  status,
  headers,
  body: Buffer.from(body),
});
const request = (overrides: Partial<FuzzRequest> = {}): FuzzRequest => ({
  index: 0,
  operation: 'GET /api/x',
  credential: 'guest',
  mutations: [],
  method: 'GET',
  target: '/api/x',
  raw: Buffer.alloc(0),
  isHead: false,
  keepAlive: false,
  pathValues: {},
  authHeaders: {},
  ...overrides,
});
const checksOf = (req: FuzzRequest, res: RawAnswer) => checkAnswer(req, res).map((failure) => failure.check);

describe('fuzzer checks', () => {
  it('pass a well-formed problem answer', () => {
    expect(checksOf(request(), answer(400, '{"code":"HTTP_VALIDATION"}'))).toEqual([]);
  });

  it('catch a 5xx, internal text, missing headers and request id, a large 4xx, a HEAD body, no answer', () => {
    expect(checksOf(request(), answer(500, '{}'))).toEqual(['5xx']);
    expect(checksOf(request(), answer(400, '{"code":"FST_ERR_BAD_URL"}'))).toEqual(['internal text']);
    expect(checksOf(request(), answer(400, 'invalid input syntax for type bigint'))).toEqual(['internal text']);
    expect(checksOf(request(), answer(400, '{}', { 'content-type': 'application/json' }))).toEqual([
      'security headers',
      'x-request-id',
      'not problem+json',
    ]);
    expect(checksOf(request(), answer(400, 'x'.repeat(16 * 1024 + 1)))).toEqual(['4xx over 16 KiB']);
    expect(checksOf(request({ isHead: true }), answer(400, '{}'))).toEqual(['HEAD with a body']);
    expect(checksOf(request(), { status: 0, headers: {}, body: Buffer.alloc(0), error: 'timeout' })).toEqual([
      'no answer',
    ]);
  });

  it('catch a moved date, a stored value that differs, and null answered as ""', () => {
    const write = request({
      operation: 'POST /api/collections/{c}/records',
      body: Buffer.from('{"day":"2024-02-30"}'),
    });
    const written = answer(201, '{"id":"a","updated":"u","day":"2024-03-01T00:00:00.000Z","title":"x\\ud800"}');
    const read = answer(200, '{"id":"a","updated":"u","day":"2024-03-01T00:00:00.000Z","title":"x\\ufffd"}');
    expect(checkRecordDates(write, written).map((failure) => failure.field)).toEqual(['day']);
    expect(checkStored(written, read).map((failure) => failure.field)).toEqual(['title']);
    // The same JSON value with its keys in another order is the same value.
    const json = (order: string) => answer(200, `{"id":"a","updated":"u","meta":${order}}`);
    expect(checkStored(json('{"a":1,"b":[{"c":2,"d":3}]}'), json('{"b":[{"d":3,"c":2}],"a":1}'))).toEqual([]);
    // Written again by someone else in between: not compared.
    expect(checkStored(written, answer(200, '{"id":"a","updated":"v","title":"other"}'))).toEqual([]);
    const rules = request({ operation: 'POST /api/admin/collections', body: Buffer.from('{"rules":{"update":null}}') });
    expect(checkNullKept(rules, answer(201, '{"rules":{"update":""}}'))[0]?.field).toBe('rules.update');
    expect(checkNullKept(rules, answer(201, '{"rules":{"update":null}}'))).toEqual([]);
  });
});

describe('fuzzer generation and parsing', () => {
  const operations: Operation[] = [
    {
      method: 'GET',
      path: '/api/things/{id}',
      params: [{ name: 'id', in: 'path', schema: { type: 'string' }, required: true }],
    },
    {
      method: 'POST',
      path: '/api/things',
      params: [],
      body: { type: 'object', properties: { n: { type: 'integer' } } },
    },
  ];
  const world: World = {
    host: '127.0.0.1:1',
    resolve: () => ({}),
    hint: () => undefined,
    recordSchema: () => undefined,
    credentials: () => ({ authorization: 'Bearer t' }),
  };

  it('builds request N of a seed the same way every time, and other seeds differently', () => {
    const raw = (seed: number, index: number) => buildRequest(seed, index, operations, world).raw.toString('latin1');
    expect(raw(7, 42)).toBe(raw(7, 42));
    expect(new Set(Array.from({ length: 20 }, (_, i) => raw(7, i))).size).toBeGreaterThan(10);
    expect(raw(8, 42)).not.toBe(raw(7, 42));
  });

  it('writes strings that match the document’s patterns', () => {
    const rng = createRng(1);
    for (const pattern of ['^[a-z][a-z0-9_]{0,39}$', '^[A-Za-z0-9 -]+$', '^[a-z0-9][a-z0-9-]{0,31}$']) {
      for (let i = 0; i < 50; i++) expect(fromPattern(pattern, rng)).toMatch(new RegExp(pattern));
    }
  });

  it('writes numbers JSON.stringify cannot, and keys such as __proto__', () => {
    const poisoned = {};
    Object.defineProperty(poisoned, '__proto__', { value: { a: new RawJson('1e309') }, enumerable: true });
    expect(toJsonText(poisoned)).toBe('{"__proto__":{"a":1e309}}');
  });

  it('reads a chunked answer, and keeps what follows the head of a HEAD answer', () => {
    const chunked = parseAnswer(
      Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'),
      false,
    );
    expect(chunked.body.toString()).toBe('abcde');
    const head = parseAnswer(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}'), true);
    expect(head.body.toString()).toBe('{}');
    expect(parseAnswer(Buffer.alloc(0), false, 'closed').status).toBe(0);
  });
});
