import type { Severity } from '../../config/index.js';
import { isLoopbackHost } from '../../lib/net/ip.js';
import type { AuditCheck, AuditFacts } from './audit-check.js';
import { listSome } from './audit-check.js';
import { findRiskyFlags, splitNodeOptions } from './node-flags.js';
import { formatSocket, isLoopbackAddress } from './proc-net.js';
import type { NodeLaunch } from './running-server.js';

/** Every risky flag of the running server and of the audit's own launch, with where it was found. */
function riskyFlagsEverywhere(facts: AuditFacts): { severity: Severity; text: string }[] {
  const launches: NodeLaunch[] = [facts.auditor];
  if (facts.server.state === 'inspected') launches.unshift(facts.server.launch);
  const found = launches.flatMap((launch) => [
    ...findRiskyFlags(launch.args).map((risky) => ({ risky, where: `${launch.who} was started with` })),
    ...findRiskyFlags(splitNodeOptions(readableOptions(launch))).map((risky) => ({
      risky,
      where: `NODE_OPTIONS of ${launch.who} holds`,
    })),
  ]);
  return found.map(({ risky, where }) => ({ severity: risky.severity, text: `${where} ${risky.flag}: ${risky.why}` }));
}

const readableOptions = (launch: NodeLaunch): string =>
  launch.nodeOptions === undefined || launch.nodeOptions === 'unreadable' ? '' : launch.nodeOptions;

function flagsOfSeverity(facts: AuditFacts, severity: Severity): string | null {
  const found = riskyFlagsEverywhere(facts).filter((entry) => entry.severity === severity);
  return found.length > 0 ? found.map((entry) => entry.text).join('; ') : null;
}

const REMOVE_FLAGS =
  'start the server without the flag (check its service unit, start script and NODE_OPTIONS), then restart it';

/** Debug flags and listening addresses: how the server process was started and where it listens. */
export const PROCESS_CHECKS: readonly AuditCheck[] = [
  {
    id: 'node-debug-flags',
    severity: 'high',
    describe: (facts) => flagsOfSeverity(facts, 'high'),
    fix: REMOVE_FLAGS,
  },
  {
    id: 'node-unsafe-flags',
    severity: 'medium',
    describe: (facts) => flagsOfSeverity(facts, 'medium'),
    fix: REMOVE_FLAGS,
  },
  {
    // Informational: with TLS (or a declared proxy) a public address is the point; the operator
    // confirms it is meant and firewalled. Without either, public-bind-without-tls is high.
    id: 'listens-beyond-loopback',
    severity: 'low',
    describe: ({ config }) =>
      isLoopbackHost(config.server.host)
        ? null
        : `the configuration makes the server listen on ${config.server.host}:${config.server.port}, reachable from other machines`,
    fix: 'if only a proxy on this machine should reach it, set server.host to 127.0.0.1; otherwise make sure a firewall allows only the intended clients',
  },
  {
    id: 'server-listens-beyond-loopback',
    severity: 'low',
    describe: ({ server }) => {
      if (server.state !== 'inspected') return null;
      const open = server.listening.filter((socket) => !isLoopbackAddress(socket.address)).map(formatSocket);
      return open.length > 0 ? `the running server (pid ${server.pid}) listens on ${listSome(open)}` : null;
    },
    fix: 'if only a proxy on this machine should reach it, set server.host to 127.0.0.1 and restart; otherwise make sure a firewall allows only the intended clients',
  },
  {
    id: 'server-not-inspected',
    severity: 'low',
    describe: ({ server }) =>
      server.state === 'not-inspected'
        ? `a server (pid ${server.pid}) holds the data folder, but its flags and listening sockets were not checked: ${server.reason}`
        : null,
    fix: 'run bulwark audit as the server’s user on Linux, or check the server’s command line and `ss -ltnp` by hand',
  },
  {
    id: 'server-environment-unreadable',
    severity: 'low',
    describe: ({ server }) =>
      server.state === 'inspected' && server.launch.nodeOptions === 'unreadable'
        ? `the environment of the running server (pid ${server.pid}) could not be read, so its NODE_OPTIONS were not checked`
        : null,
    fix: 'run bulwark audit as the server’s user',
  },
];
