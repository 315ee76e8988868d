import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConfigDoc, renderErrorsDoc } from '../src/docs/render-docs.js';
import { ERROR_CODES } from '../src/errors/index.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ logLevel: 'silent' });
  await app.http.ready();
});
afterAll(() => app.close());

describe('generated documentation stays true', () => {
  it('docs/config.md matches the configuration schema (run `npm run docs` after changing it)', () => {
    expect(read('docs/config.md')).toBe(renderConfigDoc());
  });

  it('docs/errors.md matches the error code registry (run `npm run docs` after changing it)', () => {
    expect(read('docs/errors.md')).toBe(renderErrorsDoc());
  });

  it('every error code is unique in its type slug and documented', () => {
    const slugs = Object.values(ERROR_CODES).map((info) => info.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const code of Object.keys(ERROR_CODES)) expect(read('docs/errors.md')).toContain(`\`${code}\``);
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document built from the route schemas, listing every error code', async () => {
    const response = await app.http.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/health'].get.responses['200'].content['application/json'].schema).toMatchObject({
      properties: { status: { enum: ['ok'] } },
    });
    expect(doc.paths['/api/ready'].get.responses).toHaveProperty('503');
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(doc.paths).not.toHaveProperty('/api/openapi.json');
  });
});
