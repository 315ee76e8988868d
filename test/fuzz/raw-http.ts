import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.x over a plain socket, one request per connection. Node's own client refuses to send
 * much of what a fuzzer must send (no Host, HTTP/1.0, raw bytes in the target, bad header
 * values) and hides what it must see (a body after a HEAD answer), so requests go out as bytes
 * and answers are read to the end of the connection.
 */
export interface RawAnswer {
  /** 0 when the connection ended without a status line. */
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body as sent on the wire, de-chunked. */
  body: Buffer;
  /** Why no answer came, when status is 0. */
  error?: string;
}

export function sendRaw(
  target: { host: string; port: number },
  request: Buffer,
  timeoutMs: number,
  isHead: boolean,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: target.host, port: target.port });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks), isHead, error));
    };
    const timer = setTimeout(() => finish(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // The server may answer and close before reading all of a large body (413): keep what came.
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.write(request);
  });
}

/** Parses the first answer on a connection (the server may answer a pipelined remainder too). */
export function parseAnswer(raw: Buffer, isHead: boolean, error?: string): RawAnswer {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: Buffer.alloc(0), error: error ?? 'no answer' };
  const [statusLine = '', ...lines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(headEnd + 4);
  if (!isHead && /\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (!isHead && headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  // For HEAD, everything after the head is kept: any byte there is a body HTTP forbids.
  return { status, headers, body, ...(status === 0 && error ? { error } : {}) };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One kept-alive connection, one request at a time. An answer ends where its framing says
 * (Content-Length, chunked, or the server closing). A connection idle for a while is replaced
 * before use, so the server's keep-alive timeout never races a request.
 */
export class KeptAliveConnection {
  private socket: Socket | undefined;
  private lastUsed = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly idleLimitMs = 1000,
  ) {}

  send(request: Buffer, timeoutMs: number, isHead: boolean): Promise<RawAnswer> {
    if (this.socket && Date.now() - this.lastUsed > this.idleLimitMs) this.close();
    const socket = this.socket ?? connect({ host: this.target.host, port: this.target.port });
    this.socket = socket;
    return new Promise((resolve) => {
      let received = Buffer.alloc(0);
      let settled = false;
      const finish = (answer: RawAnswer, keep: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData).off('close', onClose).off('error', onError);
        this.lastUsed = Date.now();
        if (!keep) this.close();
        resolve(answer);
      };
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const complete = completeAnswer(received, isHead);
        if (complete) finish(complete, !/\bclose\b/i.test(complete.headers.connection ?? ''));
      };
      const onClose = () => finish(parseAnswer(received, isHead, 'connection closed'), false);
      const onError = (error: NodeJS.ErrnoException) =>
        finish(parseAnswer(received, isHead, error.code ?? error.message), false);
      const timer = setTimeout(
        () => finish(parseAnswer(received, isHead, `no complete answer within ${timeoutMs} ms`), false),
        timeoutMs,
      );
      socket.on('data', onData).on('close', onClose).on('error', onError);
      socket.write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

/** The answer at the start of `raw` if all of it has arrived (by its framing), else undefined. */
function completeAnswer(raw: Buffer, isHead: boolean): RawAnswer | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const answer = parseAnswer(raw, isHead);
  const bodyBytes = raw.length - headEnd - 4;
  if (isHead || answer.status === 204 || answer.status === 304) return answer;
  if (/\bchunked\b/i.test(answer.headers['transfer-encoding'] ?? '')) {
    return raw.subarray(headEnd + 4).includes('0\r\n\r\n') && chunkedComplete(raw.subarray(headEnd + 4))
      ? answer
      : undefined;
  }
  const length = answer.headers['content-length'];
  if (length !== undefined) return bodyBytes >= Number(length) ? answer : undefined;
  return undefined; // delimited by the server closing the connection
}

function chunkedComplete(data: Buffer): boolean {
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return false;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return false;
    if (size === 0) return data.length >= lineEnd + 4;
    at = lineEnd + 2 + size + 2;
  }
  return false;
}
