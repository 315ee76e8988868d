import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authPathways, DEPENDENCY_POLICY_FILES, renderSecurityDocs } from '../src/docs/security/index.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditEvent,
  type AuditEventType,
  type AuditEventTypeInfo,
} from '../src/features/audit/index.js';
import type { KeyPurpose } from '../src/lib/crypto/derive-key.js';
import { KEY_PURPOSES } from '../src/lib/crypto/key-purposes.js';
import { login, OTHER_PASSWORD, PASSWORD, register, signIn, uniqueEmail } from './helpers/auth-client.js';
import { useTestApp } from './helpers/test-app.js';

/**
 * docs/security/* are generated from code (`npm run docs`) and must match it: a change to a key
 * purpose, an audit event, a route, a Connections row or a default that is not regenerated fails
 * here. The registries they come from are held against the source and the running app, so the
 * documents cannot describe code that is not there.
 */

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const generated = renderSecurityDocs({ readme: read('README.md'), packageJson: JSON.parse(read('package.json')) });

/** Non-test TypeScript under src/, as [relative path, text without comment lines]. */
function sourceFiles(): Array<[string, string]> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  return walk(join(root, 'src'))
    .filter((file) => /(?<!\.test)\.ts$/.test(file))
    .map((file) => {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      return [relative(root, file), code];
    });
}

describe('docs/security matches the code (run `npm run docs` after changing it)', () => {
  it.each(Object.keys(generated))('%s', (path) => {
    expect(existsSync(join(root, path)), `${path} is missing`).toBe(true);
    expect(read(path)).toBe(generated[path]);
  });
});

describe('the registries the documents come from are true to the source', () => {
  const sources = sourceFiles();

  it('V11.1.1: each key purpose is derived in exactly the files the inventory names', () => {
    for (const [purpose, info] of Object.entries(KEY_PURPOSES)) {
      const derivation = new RegExp(`[dD]erive(?:Key)?\\([^()]*'${purpose}'\\)`);
      const derivedIn = sources.filter(([, code]) => derivation.test(code)).map(([path]) => path);
      expect({ purpose, derivedIn: derivedIn.sort() }).toEqual({ purpose, derivedIn: [...info.derivedIn].sort() });
    }
  });

  it('the registries are closed: an unregistered event type or key purpose does not compile (tsc checks these lines)', () => {
    // @ts-expect-error: `audit.record` takes only types of AUDIT_EVENT_TYPES
    const event: AuditEvent = { type: 'made.up.event' };
    // @ts-expect-error: a purpose must be a KeyPurpose, and every KeyPurpose is in KEY_PURPOSES
    const purpose: KeyPurpose = 'made-up-purpose';
    expect(Object.hasOwn(AUDIT_EVENT_TYPES, event.type)).toBe(false);
    expect(Object.hasOwn(KEY_PURPOSES, purpose)).toBe(false);
  });

  it('V16.1.1: every audit event type in the inventory is recorded somewhere', () => {
    const code = sources
      .filter(([path]) => !path.endsWith('audit-event-types.ts'))
      .map(([, text]) => text)
      .join('\n');
    const unused = Object.keys(AUDIT_EVENT_TYPES).filter((type) => !code.includes(`'${type}'`));
    expect(unused).toEqual([]);
  });

  it('V15.1.1: every file and script the dependency policy names exists', () => {
    expect(DEPENDENCY_POLICY_FILES.filter((path) => !existsSync(join(root, path)))).toEqual([]);
    const policy = generated['docs/security/dependency-update-policy.md'] as string;
    for (const path of DEPENDENCY_POLICY_FILES.filter((path) => path !== 'README.md')) {
      expect(policy, `the policy names ${path}`).toContain(`\`${path}\``);
    }
  });
});

describe('the route table and the audit log agree with the documents', () => {
  const app = useTestApp({ logLevel: 'silent' });

  it('V6.1.3: the pathways list every authentication route of the OpenAPI document, and no route the server lacks', async () => {
    const doc = (await app.http.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = Object.entries(doc.paths)
      .map(([path, methods]) => [path.replace(/\{([^}]+)\}/g, ':$1'), methods] as const)
      .filter(([path]) => /^\/api\/(auth\/|keys($|\/)|admin\/setup$)/.test(path))
      .flatMap(([path, methods]) =>
        Object.keys(methods)
          .filter((method) => HTTP_METHODS.has(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    const listed = authPathways()
      .flatMap((entry) => entry.routes)
      .filter((route) => /^[A-Z]+ \/api\//.test(route));
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((route) => !listed.includes(route)).sort()).toEqual([]);
    expect(listed.filter((route) => !served.includes(route)).sort()).toEqual([]);
  });

  it('V16.1.1: stored entries hold only the details keys the logging inventory declares', async () => {
    const email = uniqueEmail('inventory');
    await register(app, email);
    await login(app, email, 'not the password at all 123');
    await login(app, uniqueEmail('nobody'), PASSWORD);
    const session = await signIn(app, email);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const change = (currentPassword: string) =>
      app.http.inject({
        method: 'POST',
        url: '/api/auth/password/change',
        headers,
        payload: { currentPassword, newPassword: OTHER_PASSWORD },
      });
    expect((await change('not the password at all 123')).statusCode).toBe(401);
    expect((await change(PASSWORD)).statusCode).toBe(204);
    const forged = `bwa_${'x'.repeat(43)}`;
    expect(
      (await app.http.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${forged}` } })).statusCode,
    ).toBe(401);
    expect((await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);

    const rows = await app.database.db.selectFrom('audit_log').select(['type', 'details']).execute();
    const registry: Readonly<Record<string, AuditEventTypeInfo>> = AUDIT_EVENT_TYPES;
    const undeclared = rows.flatMap((row) => {
      const info = registry[row.type as AuditEventType];
      if (!info) return [`${row.type} is not in the registry`];
      const details = (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as object;
      return Object.keys(details)
        .filter((key) => !info.details.includes(key))
        .map((key) => `${row.type}: ${key}`);
    });
    expect(new Set(rows.map((row) => row.type)).size).toBeGreaterThanOrEqual(6);
    expect(undeclared).toEqual([]);
  });
});
