import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** An attacker's site: every request a browser sends from it carries this Origin. */
export const EVIL_ORIGIN = 'https://evil.example';

/** The CSRF refusal: 403 problem+json `AUTH_CSRF`. */
export function expectCsrfRefusal(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(403);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json().code).toBe('AUTH_CSRF');
}
