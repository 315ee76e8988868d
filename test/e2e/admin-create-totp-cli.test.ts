// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { sql } from 'kysely';
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

/**
 * Makes the database refuse every new recovery code, the enrolment's last write (after the
 * account, its TOTP secret and its enrolled flag): a failure between the account and its factor.
 * Returns what removes the refusal.
 */
async function refuseRecoveryCodes(): Promise<() => Promise<void>> {
  const { db, dialect } = fixture.app.database;
  if (dialect === 'postgres') {
    await sql`create function refuse_recovery() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`.execute(
      db,
    );
    await sql`create trigger refuse_recovery before insert on recovery_codes for each row execute function refuse_recovery()`.execute(
      db,
    );
    return async () => {
      await sql`drop trigger refuse_recovery on recovery_codes`.execute(db);
      await sql`drop function refuse_recovery()`.execute(db);
    };
  }
  await sql`create trigger refuse_recovery before insert on recovery_codes begin select raise(abort, 'refused by the test'); end`.execute(
    db,
  );
  return async () => {
    await sql`drop trigger refuse_recovery`.execute(db);
  };
}

describe('bulwark admin create --totp', () => {
  it('a failure while enrolling the authenticator app leaves no administrator at all; run again, it works', async () => {
    const { db } = fixture.app.database;
    const email = uniqueEmail('half-admin');
    const allow = await refuseRecoveryCodes();
    const failed = await fixture.cli(['admin', 'create', '--email', email, '--totp'], `${PASSWORD}\n`);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(
      new RegExp(
        `^bulwark: administrator ${email} not created: enrolling its authenticator app failed, and nothing was kept; fix: [^\\n]+\\n$`,
      ),
    );
    expect(failed.stderr).not.toContain('refused by the test');
    expect(await db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);
    expect(await db.selectFrom('totp_factors').select('user_id').execute()).toEqual([]);
    expect(await auditEntries(fixture.app, 'admin.create')).toEqual([]);
    expect((await token({ email, password: PASSWORD })).statusCode).toBe(401);

    await allow();
    const again = await fixture.cli(['admin', 'create', '--email', email, '--totp'], `${PASSWORD}\n`);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(parseEnrolment(again.stdout).recoveryCodes).toHaveLength(10);
    expect((await token({ email, password: PASSWORD })).json().mfaRequired).toBe(true);
  });

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
