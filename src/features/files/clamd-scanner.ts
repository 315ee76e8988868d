import { once } from 'node:events';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { MalwareScanner, ScanVerdict } from './file-store.js';

export interface ClamdScannerOptions {
  /** clamd's socket: a unix socket path (`/run/clamav/clamd.ctl`) or `host:port` (`127.0.0.1:3310`). */
  socket: string;
  /** A scan (or a probe) that has not been answered within this time counts as failed. */
  timeoutMs: number;
  /**
   * Largest stream sent; a bigger file is not scanned and gets `error` (it stays quarantined).
   * Keep it at or below clamd's `StreamMaxLength` (25 MiB by default), beyond which clamd
   * itself refuses the stream.
   */
  maxStreamBytes?: number;
}

/** clamd's own default `StreamMaxLength`. */
export const DEFAULT_MAX_STREAM_BYTES = 25 * 1024 * 1024;
/** `/api/ready` answers within this time even when clamd accepts connections but hangs. */
const PROBE_TIMEOUT_MS = 5000;
/** A clamd reply is one short line; anything longer is not clamd. */
const MAX_REPLY_BYTES = 4096;
const NUL = 0;

/**
 * A malware scanner speaking clamd's `zINSTREAM` protocol over `node:net` (hand-written: the
 * protocol is four commands and one framing, and it must stream without holding the file):
 * `zINSTREAM\0`, then chunks of a 4-byte big-endian length and the bytes, then a zero length;
 * clamd answers `stream: OK\0`, `stream: <signature> FOUND\0` or `… ERROR\0`.
 *
 * Fails closed: anything but a clear answer (clamd down, a timeout, a stream too large, a
 * reply we do not understand) is `{status: 'error'}`, so the file stays quarantined. The scanner
 * reads `body` at the pace the socket accepts (backpressure) and destroys it when it stops
 * early.
 *
 * @example
 * const scanner = createClamdScanner({ socket: '/run/clamav/clamd.ctl', timeoutMs: 30_000 });
 * const verdict = await scanner.scan(createReadStream(path));
 */
export function createClamdScanner(options: ClamdScannerOptions): MalwareScanner {
  const target = parseSocket(options.socket);
  const maxStreamBytes = options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES;
  return {
    async scan(body, info) {
      if (info && info.sizeBytes > maxStreamBytes) {
        body.destroy();
        return { status: 'error', reason: tooLarge(maxStreamBytes) };
      }
      const session = openSession(target, options.timeoutMs);
      try {
        session.socket.write('zINSTREAM\0');
        await sendChunks(session, body, maxStreamBytes);
        return verdictOf(await session.reply);
      } catch (error) {
        body.destroy();
        return { status: 'error', reason: error instanceof Error ? error.message : 'the scan failed' };
      } finally {
        session.close();
      }
    },

    async probe() {
      const session = openSession(target, Math.min(options.timeoutMs, PROBE_TIMEOUT_MS));
      try {
        session.socket.write('zPING\0');
        return (await session.reply) === 'PONG';
      } catch {
        return false;
      } finally {
        session.close();
      }
    },
  };
}

interface Session {
  socket: Socket;
  /** clamd's reply without its NUL; rejects on a timeout, a socket error or a close before it. */
  reply: Promise<string>;
  /** Aborted once the reply arrived or the session failed: stop sending. */
  signal: AbortSignal;
  close: () => void;
}

/** One connection, one command, one reply (clamd's `z` commands end replies with NUL). */
function openSession(target: NetConnectOpts, timeoutMs: number): Session {
  const socket = connect(target);
  const stop = new AbortController();
  let received = Buffer.alloc(0);
  let settle: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;
  const reply = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  reply.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  const finish = (outcome: string | Error) => {
    clearTimeout(timer);
    if (!stop.signal.aborted) stop.abort();
    if (typeof outcome === 'string') settle?.resolve(outcome);
    else settle?.reject(outcome);
    socket.destroy();
  };
  const timer = setTimeout(() => finish(new Error(`clamd did not answer within ${timeoutMs} ms`)), timeoutMs);
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf(NUL);
    if (end !== -1) finish(received.subarray(0, end).toString('utf8').trim());
    else if (received.length > MAX_REPLY_BYTES) finish(new Error('clamd sent a reply longer than any it makes'));
  });
  socket.on('error', (error: NodeJS.ErrnoException) =>
    finish(new Error(`clamd cannot be reached (${error.code ?? 'socket error'})`)),
  );
  socket.on('close', () => finish(new Error('clamd closed the connection without an answer')));
  return { socket, reply, signal: stop.signal, close: () => finish(new Error('the scan was ended')) };
}

/**
 * Sends `body` as INSTREAM chunks, at the pace the socket drains, then the zero-length end.
 * Stops at once when clamd has answered early (it refuses an over-long stream mid-way) or the
 * session failed; the caller then reads the reply or its failure.
 */
async function sendChunks(session: Session, body: Readable, maxStreamBytes: number): Promise<void> {
  const { socket, signal } = session;
  let sentBytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    if (signal.aborted) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    sentBytes += bytes.length;
    if (sentBytes > maxStreamBytes) {
      throw new Error(tooLarge(maxStreamBytes));
    }
    if (!writeFrame(socket, bytes)) await drainedOrStopped(socket, signal);
  }
  if (!signal.aborted) socket.write(Buffer.alloc(4)); // a zero length ends the stream
}

function writeFrame(socket: Socket, bytes: Buffer): boolean {
  if (bytes.length === 0) return true; // a zero length would end the stream early
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  socket.cork();
  socket.write(length);
  const isBelowHighWaterMark = socket.write(bytes);
  socket.uncork();
  return isBelowHighWaterMark;
}

async function drainedOrStopped(socket: Socket, signal: AbortSignal): Promise<void> {
  try {
    await once(socket, 'drain', { signal });
  } catch {
    // The session ended while waiting: the loop sees `signal.aborted` and stops.
  }
}

const tooLarge = (maxStreamBytes: number) => `the file is larger than the ${maxStreamBytes} bytes the scanner accepts`;

/** clamd's answers: `stream: OK`, `stream: <signature> FOUND`, anything else is not a verdict. */
function verdictOf(reply: string): ScanVerdict {
  if (reply === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found?.[1]) return { status: 'infected', signature: found[1] };
  return { status: 'error', reason: `clamd gave no verdict: ${reply.slice(0, 200)}` };
}

/** A unix socket path (starts with `/`), or `host:port` / `[ipv6]:port`. */
export function parseSocket(socket: string): NetConnectOpts {
  if (socket.startsWith('/')) return { path: socket };
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(socket);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`files.scan.clamdSocket must be a unix socket path or host:port, not ${JSON.stringify(socket)}`);
  }
  return { host: match[1], port };
}
