import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_CHECKS } from '../src/cli/audit/index.js';
import { CONFIG_CHECKS, FINDINGS } from '../src/config/index.js';
import { listConfigLeaves } from '../src/config/schema.js';
import { renderConfigDoc, renderErrorsDoc, renderFindingsDoc } from '../src/docs/render-docs.js';
import { NETWORK_MODULES } from '../src/docs/security/network-modules.js';
import { ERROR_CODES, OPERATOR_CODES } from '../src/errors/index.js';
import { API_KEY_SCOPES } from '../src/features/api-keys/api-key-service.js';
import { RULE_ACTIONS } from '../src/features/collections/collection-definition.js';
import { useTestApp } from './helpers/test-app.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

const app = useTestApp({ logLevel: 'silent' });

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

  it('documents every code only an operator sees, apart from the client codes', () => {
    const errorsDoc = read('docs/errors.md');
    const [clientPart, operatorPart] = errorsDoc.split('## Codes only an operator sees');
    for (const code of Object.keys(OPERATOR_CODES)) {
      expect(operatorPart).toContain(`| \`${code}\` |`);
      expect(clientPart).not.toContain(`\`${code}\``);
    }
  });

  it('docs/findings.md matches the checks and the finding catalogue (run `npm run docs` after changing them)', () => {
    expect(read('docs/findings.md')).toBe(renderFindingsDoc());
  });

  it('describes each finding id once, with the severity its check gives it', () => {
    const configIds = CONFIG_CHECKS.map((check) => check.id);
    const ids = [...configIds, ...Object.keys(FINDINGS)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of DEPLOYMENT_CHECKS)
      expect([check.id, FINDINGS[check.id].severity]).toEqual([check.id, check.severity]);
    for (const id of ids) expect(read('docs/findings.md')).toContain(`| \`${id}\` |`);
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

/**
 * The README makes promises the ASVS mapping relies on (V6.1.3 every authentication pathway,
 * V8.1.1 the access rules, V13.1.1 every connection). These tests fail when code grows a
 * route, scope, rule action, connection key or network client that the README does not name.
 */
describe('the README names what the ASVS mapping says it documents', () => {
  const README = read('README.md');

  /** Every `/api/...` path the README names; `{a,b}` and `[...]` spelled out, `{x}` params as `:x`. */
  function pathsNamed(text: string): Set<string> {
    const expand = (token: string): string[] => {
      const choice = /\{([^{}]*,[^{}]*)\}/.exec(token);
      if (choice) {
        const [before, after] = [token.slice(0, choice.index), token.slice(choice.index + choice[0].length)];
        return (choice[1] as string).split(',').flatMap((part) => expand(before + part + after));
      }
      const optional = /\[([^[\]]*)\]/.exec(token);
      if (optional) {
        const [before, after] = [token.slice(0, optional.index), token.slice(optional.index + optional[0].length)];
        return [...expand(before + after), ...expand(before + (optional[1] as string) + after)];
      }
      return [token];
    };
    const tokens = [...text.matchAll(/\/api\/[A-Za-z0-9_\-/:{},[\].]*/g)].map((match) =>
      match[0].replace(/[.,]+$/, ''),
    );
    return new Set(tokens.flatMap(expand).map((path) => path.replace(/\/$/, '')));
  }
  const openApiPaths = async () => {
    const doc = (await app.http.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    return Object.keys(doc.paths).map((path) => path.replace(/\{([^}]+)\}/g, ':$1'));
  };
  /** The text of one `### heading` section of the README, up to the next heading. */
  const section = (heading: string) => {
    const start = README.indexOf(`\n${heading}\n`);
    expect(start, `README has a "${heading}" section`).toBeGreaterThanOrEqual(0);
    const end = README.slice(start + heading.length + 2).search(/\n#{2,3} /);
    return README.slice(start, end === -1 ? undefined : start + heading.length + 2 + end);
  };

  it('V6.1.3: every authentication route of the OpenAPI document, the set-up link and the CLI', async () => {
    const named = pathsNamed(README);
    const authentication = (await openApiPaths()).filter((path) =>
      /^\/api\/(auth\/|keys($|\/)|admin\/setup$)/.test(path),
    );
    expect(authentication.length).toBeGreaterThan(30);
    expect(authentication.filter((path) => !named.has(path))).toEqual([]);
    for (const pathway of ['/_/setup#', '`bulwark admin create', 'POST /api/auth/token {email, password, code}']) {
      expect(README).toContain(pathway);
    }
  });

  it('V8.1.1: every administrator route, every API-key scope and every rule action', async () => {
    const named = pathsNamed(README);
    const admin = (await openApiPaths()).filter((path) => path.startsWith('/api/admin/'));
    expect(admin.length).toBeGreaterThan(5);
    expect(admin.filter((path) => !named.has(path))).toEqual([]);
    expect(API_KEY_SCOPES.filter((scope) => !README.includes(`\`${scope}\``))).toEqual([]);
    const rules = README.split('\n').find((line) => line.startsWith('| Rules |')) ?? '';
    expect(rules).toContain('`null`/absent = administrators only');
    expect(RULE_ACTIONS.filter((action) => !rules.includes(action))).toEqual([]);
  });

  it('V13.1.1: every configuration key naming a connection is in the Connections list', () => {
    const connections = section('### Connections');
    const keys = listConfigLeaves()
      .map((leaf) => leaf.path)
      .filter((path) => /(^|\.)(host|port)$|url$|proxies$|providers$|endpoint$|socket$/i.test(path));
    expect(keys).toEqual(
      expect.arrayContaining([
        'database.url',
        'redis.url',
        'smtp.url',
        'auth.oidc.providers',
        'files.s3.endpoint',
        'files.scan.clamdSocket',
      ]),
    );
    expect(keys.filter((key) => !connections.includes(`\`${key}\``))).toEqual([]);
  });

  it('V13.1.1: every network client the server code imports belongs to a listed connection', () => {
    /** Modules that open connections and are not in the list above: adding one needs a row. */
    const UNLISTED =
      /^(node:)?(http2|dgram|dns)$|^(axios|got|node-fetch|ws|socket\.io|ssh2|ftp|mqtt|kafkajs|amqplib|mongodb|mysql2?)$/;
    const root = fileURLToPath(new URL('..', import.meta.url));
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    const connections = section('### Connections');
    const problems: string[] = [];
    for (const file of walk(join(root, 'src')).filter((name) => /(?<!\.test)\.ts$/.test(name))) {
      const source = readFileSync(file, 'utf8');
      const name = relative(root, file);
      for (const [, specifier = ''] of source.matchAll(/\bfrom\s*'([^']+)'/g)) {
        const key = NETWORK_MODULES[specifier];
        if (key && !connections.includes(`\`${key}\``)) problems.push(`${name}: ${specifier} (${key}) is not listed`);
        if (UNLISTED.test(specifier)) problems.push(`${name}: ${specifier} opens connections the README does not list`);
      }
      // The set-up page's script runs in the browser and calls its own origin.
      if (/\bfetch\(/.test(source) && name !== join('src', 'features', 'admin', 'setup-page.ts')) {
        problems.push(`${name}: fetch() reaches a destination the README does not list`);
      }
    }
    expect(problems).toEqual([]);
    expect(connections).toContain('`bulwark audit --advisory-registry`');
  });
});
