/**
 * How the process can end without a command returning: an exception nothing caught (or a
 * rejection nothing handled, which Node raises as one), or a signal whose default action would
 * kill the process on the spot, skipping every `exit` handler and so every buffered log line.
 */
export type Crash =
  | { kind: 'exception'; error: unknown; origin: 'uncaughtException' | 'unhandledRejection' }
  | { kind: 'signal'; signal: NodeJS.Signals };

type CrashReporter = (crash: Crash) => void;

const reporters = new Set<CrashReporter>();

/**
 * Registers what a running command writes when the process dies under it (`serve`: a fatal log
 * line, then every buffered line). Reporters run synchronously: the process exits right after.
 * Returns the function that unregisters it.
 */
export function onCrash(reporter: CrashReporter): () => void {
  reporters.add(reporter);
  return () => reporters.delete(reporter);
}

/** Runs every reporter; one that throws does not keep the others from writing. */
export function reportCrash(crash: Crash): void {
  for (const reporter of reporters) {
    try {
      reporter(crash);
    } catch {
      // The process is going down either way; the next reporter may still save its lines.
    }
  }
}

/** What happened, in a few words: the fatal log line's message and the start of the terminal's line. */
export function summariseCrash(crash: Crash): string {
  if (crash.kind === 'signal') return `stopped by ${crash.signal} without draining requests in flight`;
  return crash.origin === 'unhandledRejection'
    ? 'crashed on an unhandled rejection'
    : 'crashed on an uncaught exception';
}

/** One line for the terminal: what happened, and the stack Node itself would have printed. */
export function describeCrash(crash: Crash): string {
  if (crash.kind === 'signal') return summariseCrash(crash);
  const { error } = crash;
  return `${summariseCrash(crash)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
