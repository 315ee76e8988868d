import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { checkDockerfile, checkDockerignore, type DockerRule, parseDockerfile } from './dockerfile-rules.js';

/**
 * Issue 22 item 1: the image's rules, read from the Dockerfile and .dockerignore themselves
 * (no Docker daemon needed). Each rule is then broken in a copy of the real file, and the same
 * checker must name it: a rule that cannot fail proves nothing.
 */
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');

const rulesBroken = (text: string): DockerRule[] => [...new Set(checkDockerfile(text).map((v) => v.rule))];

/** The real Dockerfile with one change; fails the test if the change did not apply. */
function mutated(from: string | RegExp, to: string): string {
  const text = dockerfile.replace(from, to);
  expect(text, `mutation of ${String(from)} did not apply`).not.toBe(dockerfile);
  return text;
}

describe('the Dockerfile', () => {
  it('keeps every rule: multi-stage, bases pinned by digest, non-root numeric USER, no secrets, no toolchain in the final stage, exec-form HEALTHCHECK', () => {
    expect(checkDockerfile(dockerfile)).toEqual([]);
  });

  it('runs the server from the distroless base as PID 1, on the data folder, exposing its port', () => {
    const final = parseDockerfile(dockerfile).slice(
      parseDockerfile(dockerfile).findLastIndex((i) => i.keyword === 'FROM'),
    );
    const value = (keyword: string) => final.find((i) => i.keyword === keyword)?.args;
    expect(value('FROM')).toMatch(/^gcr\.io\/distroless\/nodejs22-debian12:nonroot@sha256:[0-9a-f]{64}$/);
    expect(value('ENTRYPOINT')).toBe('["/nodejs/bin/node", "/app/dist/main.js"]');
    expect(value('CMD')).toBe('["serve"]');
    expect(value('VOLUME')).toBe('["/data"]');
    expect(value('EXPOSE')).toBe('8090');
    expect(value('ENV')).toContain('BULWARK_DATA_DIR=/data');
  });
});

describe('each Dockerfile rule fails on a copy that breaks it', () => {
  const cases: Array<{ name: string; rule: DockerRule; text: () => string }> = [
    {
      name: 'one stage only',
      rule: 'multi-stage',
      text: () => dockerfile.split(/^FROM gcr\.io/m)[0] as string,
    },
    {
      name: 'a base by tag, not digest',
      rule: 'base-pinned',
      text: () => mutated(/nodejs22-debian12:nonroot@sha256:[0-9a-f]{64}/, 'nodejs22-debian12:nonroot'),
    },
    {
      name: 'a digest that is not 64 hex digits',
      rule: 'base-pinned',
      text: () => mutated(/(bookworm-slim@sha256:)[0-9a-f]{64}/, '$1deadbeef'),
    },
    { name: 'no USER', rule: 'non-root-user', text: () => mutated(/^USER .*$/m, '') },
    { name: 'USER root by number', rule: 'non-root-user', text: () => mutated(/^USER .*$/m, 'USER 0:0') },
    { name: 'USER by name', rule: 'non-root-user', text: () => mutated(/^USER .*$/m, 'USER nonroot') },
    {
      name: 'a secret-named ARG',
      rule: 'secret-in-arg-or-env',
      text: () => mutated('WORKDIR /src', 'ARG NPM_TOKEN\nWORKDIR /src'),
    },
    {
      name: 'a master key in ENV',
      rule: 'secret-in-arg-or-env',
      text: () => mutated('BULWARK_DATA_DIR=/data', 'BULWARK_DATA_DIR=/data BULWARK_MASTER_KEY=abc'),
    },
    {
      name: 'a password inside a URL value',
      rule: 'secret-in-arg-or-env',
      text: () =>
        mutated('BULWARK_DATA_DIR=/data', 'BULWARK_DATA_DIR=/data BULWARK_DATABASE_URL=postgres://app:hunter2@db/app'),
    },
    {
      name: 'COPY of .env',
      rule: 'secret-copied',
      text: () => mutated('COPY src ./src', 'COPY .env ./\nCOPY src ./src'),
    },
    {
      name: 'COPY of the data folder',
      rule: 'secret-copied',
      text: () => mutated('COPY src ./src', 'COPY bulwark_data /data\nCOPY src ./src'),
    },
    {
      name: 'COPY of a key file',
      rule: 'secret-copied',
      text: () => mutated('COPY src ./src', 'COPY tls/server.key /tls/\nCOPY src ./src'),
    },
    {
      name: 'a compiler installed in the final stage',
      rule: 'compiler-in-final-stage',
      text: () => mutated(/^WORKDIR \/app$/m, 'WORKDIR /app\nRUN apt-get install -y g++'),
    },
    {
      name: 'the final stage built on the build stage',
      rule: 'compiler-in-final-stage',
      text: () => mutated(/^FROM gcr\.io\S+$/m, 'FROM build'),
    },
    { name: 'no HEALTHCHECK', rule: 'healthcheck', text: () => mutated(/^HEALTHCHECK .*$/m, '') },
    {
      name: 'a shell-form HEALTHCHECK',
      rule: 'healthcheck',
      text: () => mutated(/^HEALTHCHECK .*$/m, 'HEALTHCHECK CMD curl -f http://127.0.0.1:8090/api/health'),
    },
  ];

  it.each(cases)('$name → $rule', ({ rule, text }) => {
    expect(rulesBroken(text())).toContain(rule);
  });
});

describe('.dockerignore', () => {
  it('keeps the repository, installed modules, data folders, environment files and keys out of the build context', () => {
    expect(checkDockerignore(dockerignore)).toEqual([]);
  });

  it.each(['.git', 'node_modules', 'bulwark_data', '**/.env', '**/*.key', '**/*.pem'])(
    'fails when %s is no longer excluded',
    (pattern) => {
      const lines = dockerignore.split('\n').filter((line) => line.trim() !== pattern);
      expect(lines.length).toBeLessThan(dockerignore.split('\n').length);
      expect(checkDockerignore(lines.join('\n')).map((v) => v.detail)).toEqual([
        `.dockerignore does not exclude ${pattern}`,
      ]);
    },
  );
});
