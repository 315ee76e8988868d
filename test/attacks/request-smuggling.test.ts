import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, rawRows, uniqueEmail } from '../helpers/collections-client.js';
import { testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * ASVS V4.2.1, request smuggling: a front end and the server must agree where each request
 * ends. Each attack below frames one request ambiguously so that a parser reading it the other
 * way would see a second, smuggled request inside the first one's body: a sign-up, whose effect
 * (a new account) shows whether it ran. The server must answer the ambiguous request with one
 * 400 and close the connection; the smuggled sign-up is never answered and never executed.
 */

/**
 * How long to wait for the server to close the connection. Refusals close at once; the probe's
 * sign-up (argon2 and a write) can take seconds on a busy machine. Past this, the connection
 * counts as kept open, which fails the attack cases.
 */
const CLOSE_WAIT_MS = 20_000;
// Not anchored to a line start: a pipelined answer follows the previous body directly.
const STATUS_LINE = /HTTP\/1\.[01] (\d{3}) /g;

interface RawExchange {
  /** Everything the server sent on the connection. */
  text: string;
  /** The status of every response on it, in order. */
  statuses: number[];
  /** True when the server closed the connection; false when it was still open at the deadline. */
  closedByServer: boolean;
}

let port: number;

const app = useTestApp();
beforeAll(async () => {
  port = Number(new URL(await app.start()).port);
});

/** Writes `bytes` on a fresh connection and reads until the server closes it (bounded). */
function exchange(bytes: string): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, statuses: [...text.matchAll(STATUS_LINE)].map((m) => Number(m[1])), closedByServer });
    };
    const timer = setTimeout(() => finish(false), CLOSE_WAIT_MS);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', reject);
    socket.write(bytes, 'latin1');
  });
}

/** A complete, well-framed sign-up: if it runs, an account with `email` exists. */
function signUpRequest(email: string): string {
  const body = JSON.stringify({ email, password: PASSWORD });
  return [
    'POST /api/auth/register HTTP/1.1',
    'Host: localhost',
    'Content-Type: application/json',
    // The last request on its connection: once answered, the server closes.
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

async function accountExists(email: string): Promise<boolean> {
  const users = (await rawRows(app, 'users')) ?? [];
  return users.some((user) => user.email === email);
}

/** The front request's head, then `body`; `headers` carry the ambiguous framing. */
const front = (headers: string[], body: string, requestLine = 'POST /api/health HTTP/1.1', eol = '\r\n') =>
  [requestLine, 'Host: localhost', ...headers].join(eol) + eol + eol + body;

/**
 * Each attack: the raw bytes, built around the smuggled request. `chunkedThen(s)` is a body that
 * ends right away for a chunked reader (a last chunk) and holds `s` for a Content-Length reader.
 */
const chunkedThen = (smuggled: string) => `0\r\n\r\n${smuggled}`;
const length = (text: string) => Buffer.byteLength(text, 'latin1');

const ATTACKS: Array<[string, (smuggled: string) => string]> = [
  [
    'Content-Length and Transfer-Encoding together (CL.TE)',
    (s) => front([`Content-Length: ${length(chunkedThen(s))}`, 'Transfer-Encoding: chunked'], chunkedThen(s)),
  ],
  [
    'Transfer-Encoding before Content-Length (TE.CL)',
    (s) => front(['Transfer-Encoding: chunked', `Content-Length: ${length(chunkedThen(s))}`], chunkedThen(s)),
  ],
  ['two different Content-Length headers', (s) => front(['Content-Length: 0', `Content-Length: ${length(s)}`], s)],
  ['two equal Content-Length headers', (s) => front(['Content-Length: 0', 'Content-Length: 0'], s)],
  ['a Content-Length list', (s) => front([`Content-Length: 0, ${length(s)}`], s)],
  ['a signed Content-Length', (s) => front([`Content-Length: +${length(s)}`], s)],
  [
    'whitespace between a header name and its colon',
    (s) => front(['Transfer-Encoding : chunked', `Content-Length: ${length(chunkedThen(s))}`], chunkedThen(s)),
  ],
  [
    'Transfer-Encoding continued on an obs-fold line',
    (s) =>
      front([`Content-Length: ${length(chunkedThen(s))}`, 'Transfer-Encoding: identity', ' chunked'], chunkedThen(s)),
  ],
  [
    'a header hidden on an obs-fold line',
    (s) =>
      front([`Content-Length: ${length(chunkedThen(s))}`, 'X-Pad: a', ' Transfer-Encoding: chunked'], chunkedThen(s)),
  ],
  [
    'Transfer-Encoding: chunked, identity',
    (s) => front([`Content-Length: ${length(chunkedThen(s))}`, 'Transfer-Encoding: chunked, identity'], chunkedThen(s)),
  ],
  [
    'Transfer-Encoding: chunked, identity without Content-Length',
    (s) => front(['Transfer-Encoding: chunked, identity'], chunkedThen(s)),
  ],
  [
    'an unknown transfer coding (xchunked)',
    (s) => front(['Transfer-Encoding: xchunked', `Content-Length: ${length(chunkedThen(s))}`], chunkedThen(s)),
  ],
  [
    'two Transfer-Encoding headers',
    (s) => front(['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'], chunkedThen(s)),
  ],
  [
    'a header line ended by a bare LF',
    (s) =>
      front([`X-Note: a\nTransfer-Encoding: chunked`, `Content-Length: ${length(chunkedThen(s))}`], chunkedThen(s)),
  ],
  [
    'a header line ended by a bare CR',
    (s) =>
      front([`X-Note: a\rTransfer-Encoding: chunked`, `Content-Length: ${length(chunkedThen(s))}`], chunkedThen(s)),
  ],
  ['a request whose every line ends in a bare LF', (s) => front(['Content-Length: 0'], s, undefined, '\n')],
  ['a last chunk ended by bare LFs', (s) => front(['Transfer-Encoding: chunked'], `0\n\n${s}`)],
  ['a chunk size written in 0x notation', (s) => front(['Transfer-Encoding: chunked'], `0x0\r\n\r\n${s}`)],
  ['a chunk size followed by a space', (s) => front(['Transfer-Encoding: chunked'], `0 \r\n\r\n${s}`)],
  [
    'Transfer-Encoding on HTTP/1.0 with Content-Length',
    (s) =>
      front(
        [`Content-Length: ${length(chunkedThen(s))}`, 'Transfer-Encoding: chunked'],
        chunkedThen(s),
        'POST /api/health HTTP/1.0',
      ),
  ],
  ['a NUL byte in a header value', (s) => front(['X-Note: a\0b', 'Content-Length: 0'], s)],
];

describe(`V4.2.1 request smuggling over a raw socket (${testDialect()})`, () => {
  it('the probe works: a well-framed pipelined sign-up is answered and executed', async () => {
    const email = uniqueEmail('pipelined');
    const result = await exchange(`${front([], '', 'GET /api/health HTTP/1.1')}${signUpRequest(email)}`);
    expect(result.statuses, result.text).toEqual([200, 201]);
    expect(await accountExists(email)).toBe(true);
  });

  it.each(ATTACKS)('%s: one 400, connection closed, the smuggled sign-up never runs', async (_name, build) => {
    const email = uniqueEmail('smuggled');
    const logLinesBefore = app.logs.lines.length;
    const result = await exchange(build(signUpRequest(email)));

    expect(result.statuses, result.text).toEqual([400]);
    expect(result.closedByServer, 'the server keeps the connection open').toBe(true);
    const [head = '', body = ''] = result.text.split('\r\n\r\n');
    expect(head).toMatch(/^content-type: application\/problem\+json; charset=utf-8$/im);
    expect(head).toMatch(/^connection: close$/im);
    expect(head).toMatch(/^x-request-id: \S+$/im);
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'HTTP_BAD_REQUEST' });
    expect(await accountExists(email), 'the smuggled sign-up ran').toBe(false);
    // Nor did any request of this connection reach the routes: none is in the request log.
    const served = app.logs.lines.slice(logLinesBefore).filter((line) => /"msg":"request"/.test(line));
    expect(served).toEqual([]);
  });
});
