import { connect } from 'node:net';

/**
 * Bytes written straight to a socket, for requests no HTTP client would send (bad headers, no
 * Host, HTTP/1.0) and which `app.inject` cannot send because it skips Node's parser.
 */
export interface RawAnswer {
  /** Everything the server sent before closing the connection. */
  raw: string;
  status: number;
  headers: Record<string, string>;
  /** What followed the blank line after the headers. */
  body: string;
}

/** Whether the server still sends nothing this long after a request is a test failure, not a wait. */
const ANSWER_DEADLINE_MS = 10_000;

/** Sends `request` (the whole text, CRLFs included) and reads until the server closes. */
export function rawExchange(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no end of answer within ${ANSWER_DEADLINE_MS} ms: ${Buffer.concat(chunks).toString('latin1')}`),
      );
    }, ANSWER_DEADLINE_MS);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(deadline);
      resolve(parseAnswer(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

function parseAnswer(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    raw,
    status: Number(statusLine.split(' ')[1] ?? 0),
    headers,
    body: end === -1 ? '' : raw.slice(end + 4),
  };
}
