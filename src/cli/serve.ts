import { type BulwarkApp, createApp, StartRefusedError } from '../app/create-app.js';
import { BULWARK_VERSION } from '../app/version.js';
import { isAppError } from '../errors/index.js';
import { logFatalSync } from '../http/logger.js';
import { type Crash, onCrash, summariseCrash } from './crash.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE, type Output } from './output.js';

/**
 * `bulwark serve`: checks, starts, and runs until SIGTERM or SIGINT, then drains in-flight
 * requests and closes the database before resolving.
 */
export async function runServe(flags: CommonFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  let app: BulwarkApp;
  try {
    app = await createApp({ config, holdDataDir: true });
  } catch (error) {
    throw toStartError(error);
  }
  // A crash writes its fatal line and every request line still buffered before the process ends.
  const stopCrashLog = onCrash((crash) => logFatalSync(app.logger, crashDetails(crash), summariseCrash(crash)));
  // Listen for the stop signals before announcing the address: a SIGTERM that arrived between
  // the announcement and the handlers would end the process without draining, without the
  // `server.stop` audit entry and without moving the audit checkpoint to it. The handlers stay
  // after the first signal: under `npm start` a Ctrl-C reaches the server twice (from the
  // terminal and forwarded by npm), and a second SIGINT with no handler would kill it mid-drain.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  const url = await app.start().catch(async (error: unknown) => {
    await app.stop('failed to start');
    throw toStartError(error);
  });
  out.error(
    `Bulwark ${BULWARK_VERSION} listening on ${url} (database: ${app.database.dialect}, data: ${config.dataDir})`,
  );
  for (const finding of app.findings) out.error(`warning: ${finding.message}; fix: ${finding.fix}`);
  const setupLink = await app.createSetupLink(url);
  if (setupLink) {
    const minutes = Math.round(config.auth.setupTokenTtlSeconds / 60);
    out.error(`No administrator yet. Create one within ${minutes} minutes, once, at: ${setupLink}`);
    out.error(`  (or POST /api/admin/setup {token, email, password}, or run \`bulwark admin create --email E\`)`);
  }

  const signal = await stopSignal;
  out.error(`Bulwark stopping (${signal}): finishing requests in flight`);
  await app.stop(signal);
  stopCrashLog();
  out.error('Bulwark stopped');
  return 0;
}

function crashDetails(crash: Crash): Record<string, unknown> {
  return crash.kind === 'signal' ? { signal: crash.signal } : { err: crash.error, origin: crash.origin };
}

function toStartError(error: unknown): Error {
  if (error instanceof StartRefusedError) {
    const lines = error.findings.map((f) => `refusing to start: ${f.message} [${f.id}]; fix: ${f.fix}`);
    return new CliError(lines.join('\n'), EXIT_FINDINGS);
  }
  if (isAppError(error) && error.code === 'CFG_WEAK_MASTER_KEY')
    return new CliError(error.detail ?? error.code, EXIT_USAGE);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError('the port is already in use; fix: stop the other process or pass --port');
  if (code === 'EACCES')
    return new CliError('not allowed to listen on that port; fix: use a port above 1023 or --port');
  if (code === 'ECONNREFUSED')
    return new CliError(
      'cannot reach the database; fix: check BULWARK_DATABASE_URL and that PostgreSQL is running',
      EXIT_FINDINGS,
    );
  return error instanceof Error ? error : new Error(String(error));
}
