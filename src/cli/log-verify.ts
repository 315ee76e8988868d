import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase } from '../db/index.js';
import { verifyAuditChain } from '../features/audit/index.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS, type Output } from './output.js';

/** `bulwark log verify`: exit 0 when the chain is whole, 1 naming the first broken entry. */
export async function runLogVerify(flags: CommonFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  const sqlitePath = join(config.dataDir, 'bulwark.db');
  if (!config.database.url && !existsSync(sqlitePath)) {
    throw new CliError(`no database at ${sqlitePath}; fix: pass --data with the server's data folder`);
  }
  const database = createDatabase({ url: config.database.url, sqlitePath });
  try {
    await sql`SELECT seq FROM audit_log LIMIT 1`.execute(database.db).catch(() => {
      throw new CliError('this database has no audit log yet; fix: start the server once with this data folder');
    });
    const verdict = await verifyAuditChain(database);
    if (verdict.ok) {
      out.line(`audit log intact: ${verdict.checked} entries verified`);
      return 0;
    }
    out.line(
      `audit log broken at entry ${verdict.brokenSeq}: ${verdict.reason} (${verdict.checked} entries before it verified)`,
    );
    return EXIT_FINDINGS;
  } finally {
    await database.close();
  }
}
