// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/auth-client.js';
import { useCliApp } from '../helpers/cli-app.js';
import { adminApi, auditEntries, bearer, uniqueEmail, uniqueName } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';

/**
 * `bulwark admin create --email E --totp` (issue 19 item 5): the new administrator has an
 * authenticator app at once, and what the command prints once is enough for a script to sign
 * in with a computed code, or with a recovery code, without any HTTP enrolment.
 */
const fixture = useCliApp('bulwark-admin-totp-');

/** What the command printed: the otpauth URL's secret and the recovery codes. */
function parseEnrolment(stdout: string) {
  const url = /^otpauth URL: (otpauth:\/\/totp\/\S+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error(`no otpauth URL in:\n${stdout}`);
  const secret = new URL(url).searchParams.get('secret') ?? '';
  const recoveryCodes = stdout.split('\n').filter((line) => /^[a-z2-7]{5}-[a-z2-7]{5}$/.test(line));
  return { url, secret, recoveryCodes };
}

const token = (payload: Record<string, string>) =>
  fixture.app.http.inject({ method: 'POST', url: '/api/auth/token', payload });

describe('bulwark admin create --totp', () => {
  it('prints an otpauth URL and recovery codes once, and a computed code signs in to a full admin session', async () => {
    const { app } = fixture;
    const email = uniqueEmail('totp-admin');
    const result = await fixture.cli(['admin', 'create', '--email', email, '--totp'], `${PASSWORD}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { url, secret, recoveryCodes } = parseEnrolment(result.stdout);
    expect(url).toContain(encodeURIComponent(email));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(recoveryCodes).toHaveLength(10);

    // The password alone now owes the second step.
    const passwordOnly = await token({ email, password: PASSWORD });
    expect(passwordOnly.json().mfaRequired).toBe(true);

    const signedIn = await token({ email, password: PASSWORD, code: totpCode(secret) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toMatchObject({ mfaRequired: false });
    const created = await adminApi(app).create(bearer(signedIn.json().accessToken), {
      name: uniqueName('totp'),
      fields: [{ name: 'title', type: 'text' }],
      rules: {},
    });
    expect(created.statusCode, created.body).toBe(201);

    const recovered = await token({ email, password: PASSWORD, code: recoveryCodes[0] ?? '' });
    expect(recovered.statusCode, recovered.body).toBe(200);
    expect(recovered.json().mfaRequired).toBe(false);

    const [entry] = await auditEntries(app, 'admin.create');
    expect(entry).toMatchObject({ actor: 'cli:admin-create', details: { email, totp: true } });
    const stored = JSON.stringify(await app.database.db.selectFrom('totp_factors').selectAll().execute());
    expect(stored).not.toContain(secret);
  });

  it('without --totp the administrator still enrols over HTTP at the first sign-in, as before', async () => {
    const email = uniqueEmail('plain-admin');
    const result = await fixture.cli(['admin', 'create', '--email', email], `${PASSWORD}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('otpauth');
    const signedIn = await token({ email, password: PASSWORD });
    expect(signedIn.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
  });
});
