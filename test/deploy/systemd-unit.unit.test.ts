import { describe, expect, it } from 'vitest';
import { listConfigLeaves } from '../../src/config/schema.js';
import { serviceDirectives, unitText } from './systemd-unit.js';

/**
 * Issue 22 item 2: deploy/systemd/bulwark.service keeps its sandbox. Read from the file, so it
 * needs no systemd; each rule is then broken in a copy to prove that the check notices.
 */
/** A statement is bounded by the PostgreSQL statement timeout (src/db/create-database.ts). */
const STATEMENT_TIMEOUT_SECONDS = 30;
const requestTimeoutMs = listConfigLeaves().find((leaf) => leaf.path === 'server.requestTimeoutMs')?.schema
  .default as number;

/** Directives that must hold exactly this one value. */
const REQUIRED: Record<string, string> = {
  DynamicUser: 'yes',
  StateDirectory: 'bulwark',
  StateDirectoryMode: '0700',
  // The data folder is the state directory, and it is the only writable path.
  ReadWritePaths: '%S/bulwark',
  UMask: '0077',
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  PrivateDevices: 'yes',
  CapabilityBoundingSet: '',
  AmbientCapabilities: '',
  SystemCallArchitectures: 'native',
  RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
  LockPersonality: 'yes',
  RestrictNamespaces: 'yes',
  ProtectKernelTunables: 'yes',
  ProtectKernelModules: 'yes',
  ProtectKernelLogs: 'yes',
  ProtectControlGroups: 'yes',
  Restart: 'on-failure',
  KillSignal: 'SIGTERM',
};

/** What is wrong with a unit's text; empty when it keeps every rule. */
function unitProblems(text: string): string[] {
  const directives = serviceDirectives(text);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(REQUIRED)) {
    const values = directives.get(key);
    if (values?.length !== 1 || values[0] !== value) problems.push(`${key}=${value} (found ${values?.join(' | ')})`);
  }
  if (!directives.get('SystemCallFilter')?.includes('@system-service'))
    problems.push('SystemCallFilter=@system-service');
  if (!directives.get('Environment')?.includes('BULWARK_DATA_DIR=%S/bulwark'))
    problems.push('data folder not the state directory');
  // V8's JIT writes the code it runs: with this set, Node cannot start.
  if (directives.has('MemoryDenyWriteExecute')) problems.push('MemoryDenyWriteExecute breaks V8');
  const stopSeconds = Number.parseInt(directives.get('TimeoutStopSec')?.[0] ?? '0', 10);
  if (stopSeconds < requestTimeoutMs / 1000 + STATEMENT_TIMEOUT_SECONDS)
    problems.push('TimeoutStopSec shorter than the drain');
  return problems;
}

/** The shipped unit with one change; fails the test if the change did not apply. */
function mutated(from: RegExp, to: string): string {
  const text = unitText().replace(from, to);
  expect(text, `mutation of ${from} did not apply`).not.toBe(unitText());
  return text;
}

describe('deploy/systemd/bulwark.service', () => {
  it('runs as a dynamic user on its state directory, read-only elsewhere, with no capability, a system-service syscall filter and a stop timeout that covers the drain', () => {
    expect(unitProblems(unitText())).toEqual([]);
  });

  it.each([
    [
      'a capability kept',
      /^CapabilityBoundingSet=$/m,
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      'CapabilityBoundingSet',
    ],
    ['a second writable path', /^ReadWritePaths=.*$/m, 'ReadWritePaths=%S/bulwark /etc', 'ReadWritePaths'],
    ['a fixed root user instead', /^DynamicUser=yes$/m, 'User=root', 'DynamicUser'],
    ['ProtectSystem=full', /^ProtectSystem=strict$/m, 'ProtectSystem=full', 'ProtectSystem'],
    ['no syscall filter', /^SystemCallFilter=@system-service$/m, '', 'SystemCallFilter=@system-service'],
    [
      'AF_NETLINK allowed',
      /^RestrictAddressFamilies=.*$/m,
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
      'RestrictAddressFamilies',
    ],
    ['a stop timeout of 10 s', /^TimeoutStopSec=.*$/m, 'TimeoutStopSec=10s', 'TimeoutStopSec'],
    [
      'MemoryDenyWriteExecute',
      /^LockPersonality=yes$/m,
      'LockPersonality=yes\nMemoryDenyWriteExecute=yes',
      'MemoryDenyWriteExecute',
    ],
    ['a world-readable umask', /^UMask=0077$/m, 'UMask=0022', 'UMask'],
  ])('fails with %s', (_name, from, to, named) => {
    expect(unitProblems(mutated(from, to)).join('\n')).toContain(named);
  });
});
