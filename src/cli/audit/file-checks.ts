import type { AuditCheck, AuditFacts } from './audit-check.js';
import { listSome } from './audit-check.js';
import type { ExposedPath } from './data-file-facts.js';

/** The SQLite database and the files SQLite keeps beside it while it runs. */
const DATABASE_FILES = new Set(['bulwark.db', 'bulwark.db-wal', 'bulwark.db-shm', 'bulwark.db-journal']);

const describePaths = (paths: readonly ExposedPath[]) =>
  listSome(paths.map(({ path, mode }) => `${path} (${mode.toString(8).padStart(3, '0')})`));

const databasePaths = (facts: AuditFacts) => facts.exposedDataPaths.filter((p) => DATABASE_FILES.has(p.path));
const otherPaths = (facts: AuditFacts) => facts.exposedDataPaths.filter((p) => !DATABASE_FILES.has(p.path));

/** File modes below the data folder; the folder itself and master.key are config/checks.ts's. */
export const FILE_CHECKS: readonly AuditCheck[] = [
  {
    // Password hashes, sealed TOTP secrets, encrypted fields and the audit log: a copy of the
    // file is an offline attack on all of them.
    id: 'database-file-readable',
    severity: 'high',
    describe: (facts) => {
      const paths = databasePaths(facts);
      return paths.length > 0 ? `the SQLite database can be reached by other users: ${describePaths(paths)}` : null;
    },
    fix: (facts) => `chmod 600 ${facts.config.dataDir}/bulwark.db*`,
  },
  {
    id: 'data-file-readable',
    severity: 'high',
    describe: (facts) => {
      const paths = otherPaths(facts);
      return paths.length > 0
        ? `entries of the data folder can be reached by other users: ${describePaths(paths)}`
        : null;
    },
    fix: (facts) => `chmod -R go-rwx ${facts.config.dataDir}, and run the server with umask 077`,
  },
];
