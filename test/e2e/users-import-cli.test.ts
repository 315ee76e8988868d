// @module-tag slow (starts the real binary and an SMTP sink: skipped by `npm run test:quick`)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, PASSWORD } from '../helpers/auth-client.js';
import { useCliApp } from '../helpers/cli-app.js';
import { auditEntries, uniqueEmail } from '../helpers/collections-client.js';
import { type MailSink, startMailSink } from '../helpers/mail-sink.js';
import { runCli, runOnTerminal } from '../helpers/run-cli.js';

/**
 * `bulwark users import FILE.jsonl` (issue 19 item 6): all or nothing. Every line is checked
 * first and any bad one (a password among them) imports nothing and is named by its number;
 * a good file makes every account without a password, and each user gets a set-password link
 * by mail (or none with --no-mail) that sets the password and lets them sign in.
 */
let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
afterAll(() => sink.close());

const fixture = useCliApp('bulwark-users-import-', () => ({
  BULWARK_SMTP_URL: sink.url,
  BULWARK_PUBLIC_URL: 'http://127.0.0.1:8090',
}));

/** Writes the lines to a file beside the data folder and returns its path. */
function importFile(lines: Array<string | object>): string {
  const path = join(fixture.dataDir, '..', 'users.jsonl');
  writeFileSync(path, `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`);
  return path;
}

const token = (email: string, password: string) =>
  fixture.app.http.inject({ method: 'POST', url: '/api/auth/token', payload: { email, password } });

async function storedEmails(emails: string[]): Promise<string[]> {
  const rows = await fixture.app.database.db.selectFrom('users').select('email').where('email', 'in', emails).execute();
  return rows.map((row) => row.email).sort();
}

describe('bulwark users import', () => {
  it('a file with good and bad lines imports nothing and names every bad line by its number', async () => {
    const taken = uniqueEmail('taken');
    await fixture.app.auth.accounts.register({ email: taken, password: PASSWORD, verified: true });
    const good = [uniqueEmail('good'), uniqueEmail('good')];
    const file = importFile([
      { email: good[0], name: 'Ana' },
      { email: uniqueEmail('pw'), password: 'hunter2 hunter2' },
      '{"email": ',
      '',
      { email: good[1], team: 'x' },
      { email: 'not an address' },
      { email: good[0] },
      { email: taken },
      { email: uniqueEmail('role'), role: 'root' },
      '["a@example.com"]',
    ]);
    const result = await fixture.cli(['users', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, -1).map((line) => Number(/^.*users\.jsonl:(\d+): /.exec(line)?.[1]))).toEqual([
      2, 3, 5, 6, 7, 8, 9, 10,
    ]);
    expect(lines[0]).toMatch(/:2: carries a password \("password"\); passwords never go in the file/);
    expect(result.stderr).not.toContain('hunter2');
    expect(lines.at(-1)).toMatch(/^bulwark: 8 lines refused \(listed above\), so nothing was imported; fix: /);
    expect(await storedEmails(good)).toEqual([]);
    expect(sink.messages.filter((mail) => good.some((email) => mail.to.includes(email)))).toEqual([]);
    expect(await auditEntries(fixture.app, 'admin.user.import')).toEqual([]);
  });

  it('each imported user is mailed a set-password link that sets the password and signs in; audited as cli', async () => {
    const users = [
      { email: uniqueEmail('ana'), name: 'Ana' },
      { email: uniqueEmail('bo'), role: 'admin' },
      { email: uniqueEmail('cy').toUpperCase(), role: 'user' },
    ];
    const file = importFile(users);
    const result = await fixture.cli(['users', 'import', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`imported 3 accounts from ${file}\nmailed 3 set-password links\n`);
    const emails = users.map((user) => user.email.toLowerCase());
    expect(await storedEmails(emails)).toEqual([...emails].sort());
    const stored = await fixture.app.auth.accounts.findByEmail(emails[1] ?? '');
    expect(stored).toMatchObject({ role: 'admin', password_hash: null, mfa_enrolled_ms: null });

    // Nobody can sign in before choosing a password: there is none.
    expect((await token(emails[0] ?? '', PASSWORD)).statusCode).toBe(401);
    const mail = await sink.waitFor((message) => message.to.includes(emails[0] ?? ''));
    expect(mail.text).toContain('choose your password');
    expect(mail.text).toContain('72 hours');
    const link = /http:\/\/127\.0\.0\.1:8090\/_\/reset#(\S+)/.exec(mail.text);
    const reset = await fixture.app.http.inject({
      method: 'POST',
      url: '/api/auth/password/reset',
      payload: { token: decodeURIComponent(link?.[1] ?? ''), password: OTHER_PASSWORD },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    const signedIn = await token(emails[0] ?? '', OTHER_PASSWORD);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    for (const email of emails.slice(1)) await sink.waitFor((message) => message.to.includes(email));

    const imported = await auditEntries(fixture.app, 'admin.user.import');
    expect(imported.map((entry) => [entry.actor, entry.details.email, entry.details.line]).sort()).toEqual(
      emails.map((email, index) => ['cli', email, index + 1]).sort(),
    );
    const [summary] = await auditEntries(fixture.app, 'admin.users.import');
    expect(summary?.details).toEqual({ file, imported: 3, mailed: 3, mailFailed: 0 });
  });

  it('mail refused part-way: every account exists, the unmailed are named with the command that mails them a link, exit 1', async () => {
    const quota = await startMailSink({ acceptOnly: 1 });
    try {
      const emails = [uniqueEmail('first'), uniqueEmail('second'), uniqueEmail('third')];
      const file = importFile(emails.map((email) => ({ email })));
      const result = await runCli(['users', 'import', file, '--data', fixture.dataDir], {
        ...fixture.env,
        BULWARK_SMTP_URL: quota.url,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(`imported 3 accounts from ${file}\nmailed 1 set-password link\n`);
      expect(result.stderr.split('\n')).toEqual([
        `line 2: the set-password mail to ${emails[1]} was not sent (MAIL_SEND_FAILED)`,
        `line 3: the set-password mail to ${emails[2]} was not sent (MAIL_SEND_FAILED)`,
        `not mailed: ${emails[1]}, ${emails[2]}`,
        'to mail each a link again: bulwark users invite ADDRESS… (with the same --data or --config)',
        expect.stringMatching(
          /^bulwark: 2 set-password mails could not be sent \(listed above\); every account of the file exists; fix: /,
        ),
        '',
      ]);
      expect(quota.messages.map((mail) => mail.to)).toEqual([[emails[0]]]);
      // Not half-created: all three accounts, none with a password, each audited, and the summary counts.
      expect(await storedEmails(emails)).toEqual([...emails].sort());
      for (const email of emails) {
        expect(await fixture.app.auth.accounts.findByEmail(email)).toMatchObject({ password_hash: null });
      }
      expect(await auditEntries(fixture.app, 'admin.user.import')).toHaveLength(3);
      const [summary] = await auditEntries(fixture.app, 'admin.users.import');
      expect(summary?.details).toEqual({ file, imported: 3, mailed: 1, mailFailed: 2 });

      // The printed command, once mail works, mails each a link that sets the password.
      const unmailed = emails.slice(1) as string[];
      const invited = await fixture.cli(['users', 'invite', ...unmailed]);
      expect({ code: invited.code, stdout: invited.stdout }).toEqual({
        code: 0,
        stdout: 'mailed 2 set-password links\n',
      });
      for (const email of unmailed) {
        const mail = await sink.waitFor((message) => message.to.includes(email));
        const link = /http:\/\/127\.0\.0\.1:8090\/_\/reset#(\S+)/.exec(mail.text);
        const reset = await fixture.app.http.inject({
          method: 'POST',
          url: '/api/auth/password/reset',
          payload: { token: decodeURIComponent(link?.[1] ?? ''), password: OTHER_PASSWORD },
        });
        expect(reset.statusCode, reset.body).toBe(204);
        expect((await token(email, OTHER_PASSWORD)).statusCode).toBe(200);
      }
      const invites = await auditEntries(fixture.app, 'admin.user.invite');
      expect(invites.map((entry) => [entry.actor, entry.details.email, entry.details.mailed]).sort()).toEqual(
        unmailed.map((email) => ['cli', email, true]).sort(),
      );
    } finally {
      await quota.close();
    }
  });

  it('users invite checks every address first: one without an account, or disabled, mails nothing', async () => {
    const active = uniqueEmail('active');
    const disabled = uniqueEmail('disabled');
    const nobody = uniqueEmail('nobody');
    for (const email of [active, disabled]) {
      await fixture.app.auth.accounts.register({ email, password: PASSWORD, verified: true });
    }
    await fixture.app.database.db.updateTable('users').set({ disabled: 1 }).where('email', '=', disabled).execute();
    const before = sink.messages.length;
    const refused = await fixture.cli(['users', 'invite', active, disabled, nobody]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.split('\n')).toEqual([
      `the account ${disabled} is disabled`,
      `no account has the address ${nobody}`,
      expect.stringMatching(/^bulwark: 2 addresses refused \(listed above\), so nothing was mailed; fix: /),
      '',
    ]);
    expect(sink.messages.length).toBe(before);
    expect((await auditEntries(fixture.app, 'admin.user.invite')).map((entry) => entry.details.email)).not.toContain(
      active,
    );
  });

  it('--no-mail mails nothing and shows a progress bar on a terminal; mail without SMTP is refused first', async () => {
    const emails = [uniqueEmail('quiet'), uniqueEmail('quiet')];
    const file = importFile(emails.map((email) => ({ email })));
    const { BULWARK_SMTP_URL: _smtp, ...withoutSmtp } = fixture.env;
    const refused = await runCli(['users', 'import', file, '--data', fixture.dataDir], withoutSmtp);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^bulwark: no SMTP server is configured[^\n]*; fix: [^\n]*--no-mail\n$/);
    expect(await storedEmails(emails)).toEqual([]);

    const result = await runOnTerminal(['users', 'import', file, '--no-mail', '--data', fixture.dataDir], withoutSmtp);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/importing \[[^\]]*\] 100% 2\/2 accounts/);
    expect(result.output).toContain('no links mailed (--no-mail)');
    expect(await storedEmails(emails)).toEqual([...emails].sort());
    expect(sink.messages.filter((mail) => emails.some((email) => mail.to.includes(email)))).toEqual([]);
  });
});
