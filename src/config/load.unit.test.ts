import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem, loadConfig } from './index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bulwark-config-'));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives documented defaults when nothing is set', () => {
    const cwd = dir();
    const config = loadConfig({ cwd, env: {} });
    expect(config.server).toMatchObject({
      host: '127.0.0.1',
      port: 8090,
      bodyLimitBytes: 1048576,
      headersTimeoutMs: 10000,
    });
    expect(config.cors).toEqual({ origins: [], credentials: false, maxAgeSeconds: 600 });
    expect(config.dataDir).toBe(join(cwd, 'bulwark_data'));
    expect(config.database.url).toBeUndefined();
  });

  it('layers file < environment < flags, with the contract aliases', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bulwark.config.json'), JSON.stringify({ server: { port: 1000, host: '127.0.0.2' } }));
    const config = loadConfig({
      cwd,
      env: { BULWARK_PORT: '2000', BULWARK_CORS_ORIGINS: 'https://a.example, https://b.example' },
      overrides: { 'server.host': '127.0.0.3' },
    });
    expect(config.server.port).toBe(2000);
    expect(config.server.host).toBe('127.0.0.3');
    expect(config.cors.origins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.configFile).toBe(join(cwd, 'bulwark.config.json'));
  });

  it('reads YAML files given by --config', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'prod.yaml'), 'server:\n  port: 9443\ncors:\n  origins: [https://app.example]\n');
    const config = loadConfig({ cwd, env: {}, configFile: 'prod.yaml' });
    expect(config.server.port).toBe(9443);
    expect(config.cors.origins).toEqual(['https://app.example']);
  });

  it('refuses an unknown key at any depth, naming its path and the known keys', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bulwark.config.json'), JSON.stringify({ server: { prot: 1 } }));
    const [problem] = problemsOf(() => loadConfig({ cwd, env: {} }));
    expect(problem).toContain(
      `config: ${join(cwd, 'bulwark.config.json')}: server.prot is not a known key; fix: remove it or use one of: host, port`,
    );
  });

  it('refuses a wrong type in the config file, naming the file and the key', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'prod.yaml'), 'server:\n  port: eighty\nauth:\n  mfa:\n    requiredForAdmins: maybe\n');
    const problems = problemsOf(() => loadConfig({ cwd, env: {}, configFile: 'prod.yaml' }));
    expect(problems).toEqual([
      expect.stringMatching(/^config: \/\S+\/prod\.yaml: server\.port must be of type integer; fix: /),
      expect.stringMatching(/^config: \/\S+\/prod\.yaml: auth\.mfa\.requiredForAdmins must be of type boolean; fix: /),
    ]);
    expect(problems[0]).toContain(join(cwd, 'prod.yaml'));
  });

  it('names the variable, not the file, for a bad value inside a JSON-valued variable', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bulwark.config.json'), JSON.stringify({ server: { port: 8091 } }));
    const providers = JSON.stringify([{ name: 'corp', issuer: 7, clientId: 'c', clientSecret: 's' }]);
    const [problem] = problemsOf(() => loadConfig({ cwd, env: { BULWARK_AUTH_OIDC_PROVIDERS: providers } }));
    expect(problem).toMatch(/^config: BULWARK_AUTH_OIDC_PROVIDERS \(auth\.oidc\.providers\.0\.issuer\) must be /);
  });

  it('refuses a wrong type from the environment, naming the variable, the key and the fix', () => {
    const problems = problemsOf(() => loadConfig({ cwd: dir(), env: { BULWARK_PORT: 'eighty' } }));
    expect(problems).toEqual([
      expect.stringMatching(/^config: BULWARK_PORT \(server\.port\) must be of type integer; fix: /),
    ]);
  });

  it('refuses out-of-range values and lists every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        cwd: dir(),
        env: { BULWARK_PORT: '70000', BULWARK_SERVER_BODY_LIMIT_BYTES: '1', BULWARK_LOG_LEVEL: 'loud' },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/server\.port\) must be <= 65535/);
    expect(problems.join('\n')).toMatch(/log\.level\) must be one of fatal, error/);
  });

  it('refuses an unknown BULWARK_ variable instead of silently ignoring a typo', () => {
    const problems = problemsOf(() => loadConfig({ cwd: dir(), env: { BULWARK_PROT: '1' } }));
    expect(problems[0]).toMatch(/BULWARK_PROT is not a Bulwark setting; fix: unset it/);
  });

  it('refuses a JSON config carrying __proto__', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'bulwark.config.json'), '{"__proto__": {"polluted": true}}');
    expect(problemsOf(() => loadConfig({ cwd, env: {} }))[0]).toMatch(/is not valid/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a missing --config file and a syntax error, naming the file', () => {
    const cwd = dir();
    expect(problemsOf(() => loadConfig({ cwd, env: {}, configFile: 'nope.json' }))[0]).toMatch(
      /nope\.json does not exist/,
    );
    writeFileSync(join(cwd, 'bad.yaml'), 'server: [unclosed');
    expect(problemsOf(() => loadConfig({ cwd, env: {}, configFile: 'bad.yaml' }))[0]).toMatch(
      /bad\.yaml .*is not valid/,
    );
  });

  it('returns a deep-frozen object so no code can change configuration at run time', () => {
    const config = loadConfig({ cwd: dir(), env: {} });
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
