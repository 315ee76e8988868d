// @module-tag slow (runs haproxy, openssl and nft, Debian's haproxy and nftables packages)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * deploy/haproxy and deploy/nftables as an operator installs them: HAProxy and nft accept the
 * files, and the rules the issue asks for (TLS 1.2 floor, HTTP/2, redirect, client-sent
 * X-Forwarded-* deleted before the proxy sets its own, health checks) are in them.
 */
const HAPROXY_CFG = readFileSync(join(REPO_ROOT, 'deploy/haproxy/haproxy.cfg'), 'utf8');
const NFT_FILE = join(REPO_ROOT, 'deploy/nftables/bulwark.nft');
const ENV_EXAMPLE = readFileSync(join(REPO_ROOT, 'deploy/haproxy/bulwark.env.example'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'bulwark-haproxy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
/** The configuration's lines without comments, trimmed. */
const directives = HAPROXY_CFG.split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);
const sectionOf = (name: string) => {
  const start = directives.indexOf(name);
  const end = directives.findIndex((line, i) => i > start && /^(frontend|backend|defaults|global)\b/.test(line));
  return directives.slice(start + 1, end === -1 ? undefined : end);
};

describe('deploy/haproxy/haproxy.cfg', () => {
  it('haproxy -c accepts it (with a certificate where it names one)', () => {
    const pem = join(work, 'bulwark.pem');
    const made = run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      pem,
      '-out',
      join(work, 'cert.pem'),
    ]);
    expect(made.status, made.stderr).toBe(0);
    writeFileSync(pem, readFileSync(join(work, 'cert.pem'), 'utf8') + readFileSync(pem, 'utf8'));
    const config = join(work, 'haproxy.cfg');
    expect(HAPROXY_CFG).toContain('/etc/haproxy/certs/bulwark.pem');
    writeFileSync(config, HAPROXY_CFG.replaceAll('/etc/haproxy/certs/bulwark.pem', pem));
    const checked = run('haproxy', ['-c', '-f', config]);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  });

  it('terminates TLS with the Mozilla intermediate floor and offers HTTP/2', () => {
    expect(directives).toContainEqual(expect.stringMatching(/^ssl-default-bind-options .*ssl-min-ver TLSv1\.2/));
    expect(directives).toContainEqual(expect.stringMatching(/^ssl-default-bind-ciphers ECDHE-/));
    expect(directives).toContainEqual(expect.stringMatching(/^ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256/));
    const cipherList = directives.find((line) => line.startsWith('ssl-default-bind-ciphers ')) ?? '';
    // No suite without forward secrecy or AEAD (RSA key exchange, CBC, SHA-1 MACs).
    expect(
      cipherList
        .split(' ')[1]
        ?.split(':')
        .filter((suite) => !/^(ECDHE|DHE)-.*(GCM|CHACHA20)/.test(suite)),
    ).toEqual([]);
    expect(sectionOf('frontend https_in')).toContainEqual(
      expect.stringMatching(/^bind :443 ssl crt \S+ alpn h2,http\/1\.1$/),
    );
  });

  it('answers plain HTTP with a redirect to HTTPS only', () => {
    expect(sectionOf('frontend http_in')).toEqual(['bind :80', 'http-request redirect scheme https code 301']);
  });

  it('deletes every client-sent forwarding header before setting its own', () => {
    const https = sectionOf('frontend https_in');
    const firstSet = https.findIndex((line) => /^(option forwardfor|http-request set-header X-Forwarded)/.test(line));
    expect(firstSet).toBeGreaterThan(0);
    for (const header of ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'Forwarded']) {
      const deleted = https.indexOf(`http-request del-header ${header}`);
      expect(deleted, header).toBeGreaterThanOrEqual(0);
      expect(deleted, header).toBeLessThan(firstSet);
    }
    expect(https).toContain('option forwardfor');
    expect(https).toContain('http-request set-header X-Forwarded-Proto https');
  });

  it('checks each instance on /api/health and never accepts invalid requests', () => {
    const backend = sectionOf('backend bulwark');
    expect(backend).toContain('option httpchk');
    expect(backend).toContainEqual(expect.stringMatching(/^http-check send meth GET uri \/api\/health /));
    expect(backend).toContainEqual(expect.stringMatching(/^default-server check /));
    expect(HAPROXY_CFG).not.toMatch(/^\s*option accept-invalid-http-request/m);
    for (const timeout of ['connect', 'client', 'server', 'http-request']) {
      expect(directives).toContainEqual(expect.stringMatching(new RegExp(`^timeout ${timeout} \\d+s$`)));
    }
  });

  it('the example instance configuration trusts the proxy the firewall lets in', () => {
    const trusted = /^BULWARK_TRUSTED_PROXIES=(\S+)$/m.exec(ENV_EXAMPLE)?.[1];
    const allowed = /^define proxy_addresses = \{ (\S+) \}$/m.exec(readFileSync(NFT_FILE, 'utf8'))?.[1];
    expect(trusted).toBeDefined();
    expect(trusted).toBe(allowed);
  });
});

describe('deploy/nftables/bulwark.nft', () => {
  it('nft -c accepts it', () => {
    const checked = run('nft', ['-c', '-f', NFT_FILE]);
    expect(checked.status, checked.stderr).toBe(0);
  });

  it('drops inbound by default and opens 80, 443 and Bulwark port to the proxy only', () => {
    const rules = readFileSync(NFT_FILE, 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(rules).toContain('type filter hook input priority filter; policy drop;');
    const opened = rules.filter((line) => /dport/.test(line));
    expect(opened).toEqual([
      'tcp dport { 80, 443 } accept',
      'ip saddr $proxy_addresses tcp dport $bulwark_port accept',
    ]);
  });
});
