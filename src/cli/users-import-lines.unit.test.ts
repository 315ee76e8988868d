import { describe, expect, it } from 'vitest';
import { parseImportLines } from './users-import-lines.js';

const lines = (...items: Array<string | object>) =>
  items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n');

describe('users import lines', () => {
  it('reads email, name and role, lower-cases the email, skips blank lines and counts lines as editors do', () => {
    const parsed = parseImportLines(
      lines({ email: 'Ana@Example.COM', name: ' Ana ' }, '', '  ', { email: 'bo@example.com', role: 'admin' }, ''),
    );
    expect(parsed.bad).toEqual([]);
    expect(parsed.accounts).toEqual([
      { email: 'ana@example.com', name: 'Ana', role: 'user', line: 1 },
      { email: 'bo@example.com', name: null, role: 'admin', line: 4 },
    ]);
  });

  it('refuses any line that carries a credential, whatever the field is called, without echoing it', () => {
    for (const field of ['password', 'Password', 'passwordHash', 'pwd', 'secret', 'token', 'hash']) {
      const parsed = parseImportLines(lines({ email: 'a@example.com', [field]: 'hunter2 hunter2' }));
      expect(parsed.accounts).toEqual([]);
      expect(parsed.bad).toHaveLength(1);
      expect(parsed.bad[0]?.problem).toMatch(/^carries a password .*passwords never go in the file/);
      expect(parsed.bad[0]?.problem).not.toContain('hunter2');
    }
  });

  it('names each bad line by its number and what is wrong with it', () => {
    const parsed = parseImportLines(
      lines(
        '{"email": "a@example.com"',
        '"a@example.com"',
        { email: 'a@example.com', admin: true },
        { name: 'no email' },
        { email: 'no-at-sign' },
        { email: 'b@example.com', name: 7 },
        { email: 'c@example.com', name: 'x'.repeat(201) },
        { email: 'd@example.com', role: 'root' },
        { email: 'e@example.com' },
        { email: 'E@example.com' },
        { email: 'bad\u0000@example.com' },
      ),
    );
    expect(parsed.accounts.map((account) => account.line)).toEqual([9]);
    expect(parsed.bad.map((bad) => [bad.line, bad.problem.split(/[;(]/)[0]?.trim()])).toEqual([
      [1, 'not valid JSON'],
      [2, 'not a JSON object'],
      [3, 'unknown field "admin"'],
      [4, 'email is missing or not a string'],
      [5, 'email must match format "email"'],
      [6, 'name must be text of at most 200 printable characters'],
      [7, 'name must be text of at most 200 printable characters'],
      [8, 'role must be "user" or "admin"'],
      [10, 'e@example.com is also on line 9'],
      [11, 'email contains a NUL character'],
    ]);
  });
});
