import { describe, expect, it } from 'vitest';
import { addPipelineRoutes } from '../helpers/pipeline-routes.js';
import { useTestApp } from '../helpers/test-app.js';

const app = useTestApp({}, addPipelineRoutes);

const post = (payload: string, contentType = 'application/json') =>
  app.http.inject({ method: 'POST', url: '/api/test/echo', payload, headers: { 'content-type': contentType } });

describe('hostile JSON bodies', () => {
  it('accepts a well-formed body that matches the schema', async () => {
    const response = await post('{"name":"ok","count":2}');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: { name: 'ok', count: 2 } });
  });

  it.each([
    ['truncated', '{"name":'],
    ['single quotes', "{'name':'x'}"],
    ['trailing garbage', '{"name":"x"}}'],
    ['a NUL byte', '{"name":"\u0000'],
  ])('refuses malformed JSON (%s) with 400 malformed-json', async (_name, payload) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('HTTP_MALFORMED_JSON');
    expect(response.body).not.toMatch(/SyntaxError|JSON\.parse|position \d+|secure-json|fastify/i);
  });

  it('refuses deeply nested documents before building them', async () => {
    const deep = `{"name":"x","count":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const response = await post(deep);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('HTTP_JSON_TOO_DEEP');
    const health = await app.http.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });

  it('accepts brackets inside strings without counting them as nesting', async () => {
    const response = await post(JSON.stringify({ name: '['.repeat(90) }));
    expect(response.statusCode).toBe(200);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('HTTP_BODY_TOO_LARGE');
  });

  it.each([
    ['__proto__', '{"name":"x","__proto__":{"isAdmin":true}}'],
    ['nested __proto__', '{"name":"x","count":1,"a":{"__proto__":{"isAdmin":true}}}'],
    ['constructor.prototype', '{"name":"x","constructor":{"prototype":{"isAdmin":true}}}'],
    ['escaped __proto__', '{"name":"x","\\u005f\\u005fproto\\u005f\\u005f":{"isAdmin":true}}'],
  ])('refuses a %s payload and pollutes nothing', async (_name, payload) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('HTTP_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses fields the schema does not name (no mass assignment) and lists them', async () => {
    const response = await post('{"name":"x","role":"admin"}');
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('HTTP_VALIDATION');
    expect(body.errors).toContainEqual({ field: 'role', code: 'unknown_field', message: 'is not an accepted field' });
  });

  it('names a missing field, then a mistyped one, in errors[] (validation stops at the first)', async () => {
    const missing = await post('{"count":"many"}');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { field: 'name', code: 'required', message: "must have required property 'name'" },
    ]);
    const mistyped = await post('{"name":"x","count":"2"}');
    expect(mistyped.statusCode).toBe(400);
    expect(mistyped.json().errors).toEqual([{ field: 'count', code: 'type', message: 'must be integer' }]);
  });

  it.each([
    ['text/plain', '{"name":"x"}'],
    ['application/x-www-form-urlencoded', 'name=x'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--'],
    ['application/xml', '<name>x</name>'],
    ['application/jsonp', '{"name":"x"}'],
  ])('refuses a %s body with 415', async (contentType, payload) => {
    const response = await post(payload, contentType);
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body sent without any content type with 415', async () => {
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/test/echo',
      payload: Buffer.from('{"name":"x"}'),
    });
    expect(response.statusCode).toBe(415);
  });
});
