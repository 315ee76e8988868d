import pino, { type DestinationStream, type Logger } from 'pino';
import { BULWARK_TOKEN, REDACTED, redactSecrets } from './redact.js';

export {
  REDACTED,
  redactSecrets,
  redactUrl,
} from './redact.js';

/**
 * pino writing JSON to stdout (or a given stream). Lines to stdout go through pino's
 * asynchronous destination (sonic-boom): a request only appends to a buffer, and the buffer is
 * written by libuv in the background, so no request waits for the terminal, pipe or file. What
 * is still buffered is written by `flushLogger` when the server stops and by `logFatalSync` on
 * the crash path, so no line is lost. Redaction runs in the `log` formatter, so
 * it sees every object at every depth, not only a list of known paths. Callers log plain
 * values (the formatter copies own properties only, so errors are serialised here too).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: null,
      formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
      // The message (and an error's message, which pino makes the message) never passes the
      // formatter above, so tokens are also taken out of each finished line. They hold no
      // character JSON escapes, so the line stays valid JSON.
      hooks: { streamWrite: (line) => line.replace(BULWARK_TOKEN, REDACTED) },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** Resolves once every line logged so far has been written (the stop path). */
export function flushLogger(logger: Logger): Promise<void> {
  // A destination that cannot write any more (closed pipe) has nothing left to save.
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/**
 * Logs `message` at fatal level and writes every buffered line before returning: for the crash
 * path, where the process exits right after and no asynchronous write would complete.
 */
export function logFatalSync(logger: Logger, details: Record<string, unknown>, message: string): void {
  logger.fatal(details, message);
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as Partial<SyncFlushable>;
  try {
    stream.flushSync?.();
  } catch {
    // A destination that is gone (closed pipe) or not open yet cannot be saved from here.
  }
}

interface SyncFlushable {
  flushSync: () => void;
}
