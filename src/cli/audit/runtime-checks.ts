import { type AuditCheck, DAY_MS } from './audit-check.js';
import { judgeNodeVersion, NODE_EOL_WARNING_DAYS, NODE_RELEASES_AS_OF } from './node-release.js';

const UPGRADE_NODE = 'run Bulwark on a supported Node.js line (24 LTS, or 22 until its end of life)';

/** The Node.js version against its end of life: past it, security fixes stop. */
export const RUNTIME_CHECKS: readonly AuditCheck[] = [
  {
    id: 'node-end-of-life',
    severity: 'high',
    describe: ({ nodeVersion, nowMs }) => {
      const support = judgeNodeVersion(nodeVersion, nowMs);
      if (support.state === 'end-of-life') {
        return `Node.js ${nodeVersion} reached its end of life on ${support.endOfLife} and gets no more security fixes (release table of ${NODE_RELEASES_AS_OF})`;
      }
      if (support.state === 'unknown-older') {
        return `Node.js ${nodeVersion} is not a supported release line (release table of ${NODE_RELEASES_AS_OF})`;
      }
      return null;
    },
    fix: UPGRADE_NODE,
  },
  {
    id: 'node-end-of-life-soon',
    severity: 'medium',
    describe: ({ nodeVersion, nowMs }) => {
      const support = judgeNodeVersion(nodeVersion, nowMs);
      if (support.state !== 'supported' || support.endOfLife === undefined) return null;
      const daysLeft = Math.ceil((Date.parse(`${support.endOfLife}T00:00:00Z`) - nowMs) / DAY_MS);
      return daysLeft <= NODE_EOL_WARNING_DAYS
        ? `Node.js ${nodeVersion} reaches its end of life on ${support.endOfLife}, in ${daysLeft} days`
        : null;
    },
    fix: UPGRADE_NODE,
  },
];
