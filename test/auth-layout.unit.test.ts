import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Two rules of the layout (docs/architecture.md) that neither tsc nor the import graph sees:
 * the `users` table is written only by its repository (src/features/identity/users-repo.ts), so
 * what a user row may become is decided in one file; and every route's URL is one string
 * literal in its module, so a contributor finds the endpoint behind a URL with one search.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USERS_REPO = 'src/features/identity/users-repo.ts';

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A Kysely write to `users`, or one in SQL text. */
const USERS_WRITE =
  /\b(?:updateTable|insertInto|deleteFrom)\(\s*'users'\s*\)|\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?users\b/;
/** The first argument of a route registration: `app.get(` … up to the next comma. */
const ROUTE_CALL = /\bapp\.(?:get|post|put|patch|delete|head|options|all)\(\s*([^,]*),/g;
/** A whole URL: one single-quoted literal starting with `/`. */
const WHOLE_URL = /^'\/[^'+]*'$/;

/** Lines of production code outside the users repository (and migrations) that write `users`. */
function usersWrites(): string[] {
  return sourcesOf(join(ROOT, 'src')).flatMap((file) => {
    const name = relative(ROOT, file);
    if (name === USERS_REPO || name.startsWith('src/db/migrations/')) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (USERS_WRITE.test(line) ? [`${name}:${index + 1}: ${line.trim()}`] : []));
  });
}

/** Route registrations whose URL is not one literal, as `file: first argument`. */
function assembledUrls(text: string, name = 'text'): string[] {
  return [...text.matchAll(ROUTE_CALL)].flatMap((match) => {
    const url = (match[1] ?? '').trim();
    return WHOLE_URL.test(url) ? [] : [`${name}: ${url}`];
  });
}

describe('the layout keeps its rules', () => {
  it('writes the users table only through its repository', () => {
    expect(readFileSync(join(ROOT, USERS_REPO), 'utf8')).toMatch(USERS_WRITE);
    expect(usersWrites()).toEqual([]);
  });

  it('recognises a users write in Kysely or SQL, and not a read', () => {
    const writes = [
      "await trx.insertInto('users').values(user).execute();",
      "db.updateTable('users').set({ mfa_enrolled_ms: null })",
      "await trx.deleteFrom('users').where('id', '=', id)",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a template literal, as the scan reads it
      'sql`UPDATE users SET role = ${role}`',
      'INSERT INTO "users" (id) VALUES ($1)',
    ];
    const reads = [
      "db.selectFrom('users').selectAll()",
      'SELECT count(*) FROM users',
      "innerJoin('users', 'users.id')",
    ];
    expect(writes.filter((line) => !USERS_WRITE.test(line))).toEqual([]);
    expect(reads.filter((line) => USERS_WRITE.test(line))).toEqual([]);
  });

  it('gives every route its whole URL as one literal', () => {
    const files = sourcesOf(join(ROOT, 'src'));
    const calls = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(ROUTE_CALL)]);
    expect(calls.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => assembledUrls(readFileSync(file, 'utf8'), relative(ROOT, file)))).toEqual([]);
  });

  it('recognises a URL assembled from parts', () => {
    const assembled = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a template literal, as the scan reads it
      'app.get(`${PREFIX}/users`, {}, handler);',
      "app.post(PREFIX + '/users', {}, handler);",
      'app.delete(\n    USERS_URL,\n    {},',
    ];
    expect(assembled.filter((text) => assembledUrls(text).length === 0)).toEqual([]);
    expect(assembledUrls("app.get(\n    '/api/admin/users/:id/sessions',\n    { schema },")).toEqual([]);
  });
});
