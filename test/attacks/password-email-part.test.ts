import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

/**
 * A password built from the account's email is refused (an attacker knows the address), but only
 * for local parts long enough to mean something: `ops@` once refused every password holding
 * "stops" or "crops", with a message about "your email address" that did not say why.
 */

const app = useTestApp({ logLevel: 'silent' });

const register = (email: string, password: string) =>
  app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
const domain = () => `${randomBytes(4).toString('hex')}.example.com`;

describe('sign-up with a password that contains the email', () => {
  it('accepts a password holding a 3-letter local part (ops@ and "stops")', async () => {
    const response = await register(`ops@${domain()}`, 'the crops and stops of 42 horses');
    expect(response.statusCode, response.body).toBe(201);
  });

  it('refuses one holding a local part of 4 or more letters, naming the part', async () => {
    const response = await register(`dana.k@${domain()}`, 'lantern Dana.K orbit velvet marsh');
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'AUTH_WEAK_PASSWORD' });
    expect(response.json().errors).toEqual([
      {
        field: 'password',
        code: 'contains_email',
        message:
          'This password contains "dana.k", the part of your email address before the @; choose one that does not.',
      },
    ]);
  });
});
