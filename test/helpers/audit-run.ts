import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeNodeVersion, NODE_EOL_WARNING_DAYS } from '../../src/cli/audit/node-release.js';
import type { Finding } from '../../src/config/index.js';

/**
 * Findings `bulwark audit` raises on this machine whatever the deployment: the Node.js running
 * the tests past (or near) its end of life. CI runs Node 20 on purpose, so there the audit of a
 * clean deployment still says `node-end-of-life` and exits 1.
 */
export function unavoidableAuditFindings(nowMs = Date.now()): Finding['id'][] {
  const support = judgeNodeVersion(process.version, nowMs);
  if (support.state !== 'supported') return ['node-end-of-life'];
  if (support.endOfLife && Date.parse(support.endOfLife) - nowMs <= NODE_EOL_WARNING_DAYS * 86_400_000) {
    return ['node-end-of-life-soon'];
  }
  return [];
}

/** The exit code an audit whose findings are exactly `ids` (plus medium/low ones) must give. */
export const expectedAuditExit = (findings: readonly Finding[]): number =>
  findings.some((finding) => finding.severity === 'high') ? 1 : 0;

export const findingsOf = (stdout: string): Finding[] => (JSON.parse(stdout) as { findings: Finding[] }).findings;

export interface AdvisoryStandIn {
  url: string;
  /** `METHOD /path` of every request npm sent. */
  requests: string[];
  close: () => Promise<void>;
}

/** A stand-in advisory service with nothing to report, so a run does not depend on the network. */
export async function startEmptyAdvisoryService(): Promise<AdvisoryStandIn> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
