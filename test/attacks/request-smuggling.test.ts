import { beforeAll, describe, expect, it } from 'vitest';
import { rawRows, uniqueEmail } from '../helpers/collections-client.js';
import { ATTACKS, exchange as exchangeOn, front, signUpRequest } from '../helpers/smuggling-probes.js';
import { testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * ASVS V4.2.1, request smuggling: a front end and the server must agree where each request
 * ends. Each attack below frames one request ambiguously so that a parser reading it the other
 * way would see a second, smuggled request inside the first one's body: a sign-up, whose effect
 * (a new account) shows whether it ran. The server must answer the ambiguous request with one
 * 400 and close the connection; the smuggled sign-up is never answered and never executed.
 */

let port: number;

const app = useTestApp();
beforeAll(async () => {
  port = Number(new URL(await app.start()).port);
});

const exchange = (bytes: string) => exchangeOn(bytes, port);

async function accountExists(email: string): Promise<boolean> {
  const users = (await rawRows(app, 'users')) ?? [];
  return users.some((user) => user.email === email);
}

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
